import type { OpenedMessage } from "@conduit/direct-transport";
import type { Database } from "../db/prisma.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { enqueueWebhookDelivery, type WebhookQueue } from "../queues/webhook-queue.js";
import { withTimeout } from "../db/prisma.js";
import type { ExtractedItem } from "./extract-items.js";

interface FanOutDeps {
  db: Database;
  logger: Logger;
  webhookQueue: WebhookQueue;
}

/**
 * Stores the message's data models and one webhook delivery per matching subscription (its data model, and one of its
 * Direct addresses or all of them), in one transaction; then queues the deliveries. Returns the delivery ids.
 */
export async function fanOut(
  deps: FanOutDeps,
  message: { id: string; orgId: string },
  items: ExtractedItem[],
  opened: OpenedMessage,
): Promise<string[]> {
  const subscriptions = await deps.db.webhookSubscription.findMany({
    where: { kind: "content", disabledAt: null, webhookDestination: { orgId: message.orgId, disabledAt: null } },
  });
  const recipients = opened.recipients.map((address) => address.toLowerCase());
  const wants = (subscription: (typeof subscriptions)[number], item: ExtractedItem) =>
    (subscription.dataModels.length === 0 ||
      subscription.dataModels.includes("*") ||
      subscription.dataModels.includes(item.dataModel)) &&
    (subscription.directAddresses.length === 0 ||
      subscription.directAddresses.some(
        (address) =>
          recipients.includes(address.toLowerCase()) ||
          (address.startsWith("@") && recipients.some((r) => r.endsWith(address.toLowerCase()))),
      ));

  const deliveryIds = await deps.db.$transaction(async (tx) => {
    const ids: string[] = [];
    for (const [position, item] of items.entries()) {
      const stored = await tx.inboundItem.create({
        data: {
          messageId: message.id,
          position,
          dataModel: item.dataModel,
          eventType: item.eventType,
          payload: item.payload as Prisma.InputJsonValue,
        },
      });
      for (const subscription of subscriptions.filter((candidate) => wants(candidate, item))) {
        const delivery = await tx.webhookDelivery.create({
          data: {
            webhookDestinationId: subscription.webhookDestinationId,
            subscriptionId: subscription.id,
            messageId: message.id,
            itemId: stored.id,
          },
        });
        ids.push(delivery.id);
      }
    }
    await tx.message.update({ where: { id: message.id }, data: { status: "processed", directFrom: opened.sender } });
    await tx.messageEvent.create({
      data: {
        messageId: message.id,
        type: "parsed",
        detail: {
          items: items.map((item) => ({
            dataModel: item.dataModel,
            eventType: item.eventType,
            warnings: item.warnings,
          })),
          deliveries: ids.length,
        },
      },
    });
    if (ids.length === 0) {
      await tx.messageEvent.create({
        data: { messageId: message.id, type: "no_subscription", detail: { recipients } },
      });
    }
    return ids;
  });
  await Promise.all(
    deliveryIds.map((id) =>
      withTimeout(enqueueWebhookDelivery(deps.webhookQueue, id), 2_000).catch((error: Error) =>
        deps.logger.warn(
          { deliveryId: id, err: { message: error.message } },
          "queueing a webhook delivery failed; the sweep will queue it",
        ),
      ),
    ),
  );
  return deliveryIds;
}
