import type { Database } from "../db/prisma.js";
import { withTimeout } from "../db/prisma.js";
import type { Logger } from "../logger.js";
import { enqueueWebhookDelivery, type WebhookQueue } from "../queues/webhook-queue.js";

export interface StatusEventDeps {
  db: Database;
  logger: Logger;
  webhookQueue: WebhookQueue;
}

/** The statuses an organization can subscribe to, in the order a recipient reaches them. */
export const statusEventNames = ["sent", "processed", "delivered", "failed", "timed_out"] as const;

/**
 * Tells the sending organization's status webhooks where each recipient of an outbound message stands: one event per
 * recipient and status reached, each delivered with the same signing, retries and dead-lettering as inbound content.
 * Idempotent: an event already owed to a subscription (same message, recipient and status) is not created again, so
 * it may be called whenever something might have changed.
 */
export async function emitStatusEvents(deps: StatusEventDeps, messageId: string): Promise<number> {
  const { db } = deps;
  // Most organizations subscribe to no status events: ask that first, in one query, before reading the message.
  const subscriptions = await db.webhookSubscription.findMany({
    where: {
      kind: "status",
      disabledAt: null,
      webhookDestination: { disabledAt: null, organization: { messages: { some: { id: messageId } } } },
    },
  });
  if (subscriptions.length === 0) return 0;
  // Not the payload: it may be a 10 MB file, and nothing here needs it.
  const message = await db.message.findUnique({
    where: { id: messageId },
    select: {
      id: true,
      orgId: true,
      direction: true,
      status: true,
      dataModel: true,
      eventType: true,
      directFrom: true,
      directTo: true,
      rfcMessageId: true,
      transmissionId: true,
      recipients: true,
    },
  });
  if (!message || message.direction !== "outbound") return 0;
  const created: string[] = [];
  for (const recipient of message.recipients) {
    if (!(statusEventNames as readonly string[]).includes(recipient.status)) continue;
    const key = `${message.id}:${recipient.address}:${recipient.status}`;
    for (const subscription of subscriptions) {
      const wanted =
        subscription.dataModels.length === 0 ||
        subscription.dataModels.includes("*") ||
        subscription.dataModels.includes(recipient.status);
      if (!wanted) continue;
      const exists = await db.webhookDelivery.findFirst({
        where: { subscriptionId: subscription.id, messageId: message.id, event: { path: ["key"], equals: key } },
        select: { id: true },
      });
      if (exists) continue;
      const delivery = await db.webhookDelivery.create({
        data: {
          webhookDestinationId: subscription.webhookDestinationId,
          subscriptionId: subscription.id,
          messageId: message.id,
          event: {
            key,
            event: recipient.status,
            at: (recipient.finalAt ?? recipient.updatedAt).toISOString(),
            final: !!recipient.finalAt,
            recipient: recipient.address,
            detail: recipient.detail,
            remoteReply: recipient.remoteReply,
            message: {
              id: message.id,
              status: message.status,
              dataModel: message.dataModel,
              eventType: message.eventType,
              directFrom: message.directFrom,
              directTo: message.directTo,
              messageId: message.rfcMessageId,
              transmissionId: message.transmissionId,
            },
          },
        },
      });
      created.push(delivery.id);
    }
  }
  await Promise.all(
    created.map((id) =>
      withTimeout(enqueueWebhookDelivery(deps.webhookQueue, id), 2_000).catch((error: Error) =>
        deps.logger.warn(
          { deliveryId: id, err: { message: error.message } },
          "queueing a status event failed; the sweep will queue it",
        ),
      ),
    ),
  );
  return created.length;
}
