import { randomUUID } from "node:crypto";
import type { OpenedMessage } from "@conduit/direct-transport";
import type { Database } from "../db/prisma.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { enqueueWebhookDelivery, type WebhookQueue } from "../queues/webhook-queue.js";
import { withTimeout } from "../db/prisma.js";
import type { PlannedMdns } from "../notifications/send-mdn.js";
import type { ExtractedItem } from "./extract-items.js";

interface FanOutDeps {
  db: Database;
  logger: Logger;
  webhookQueue: WebhookQueue;
}

/** What is stored with the fan-out, in the same transaction, besides the items and deliveries. */
export interface FanOutExtras {
  /** The `opened` event's detail: recorded first, so the timeline reads opened, parsed, MDN queued. */
  openedDetail?: Prisma.InputJsonObject;
  /** The original's own Message-ID, when the outer envelope had none. */
  rfcMessageId?: string;
  /** The processed MDNs (their messages and events), from `planMdns`. */
  mdns?: PlannedMdns;
}

/**
 * Stores the message's data models and one webhook delivery per matching subscription (its data model, and one of its
 * Direct addresses or all of them), with the message's new status, its events and its MDNs, in one transaction (a few
 * multi-row statements); then queues the deliveries. Returns the delivery ids.
 */
export async function fanOut(
  deps: FanOutDeps,
  message: { id: string; orgId: string },
  items: ExtractedItem[],
  opened: OpenedMessage,
  extras: FanOutExtras = {},
): Promise<string[]> {
  const subscriptions = await deps.db.webhookSubscription.findMany({
    where: { kind: "content", disabledAt: null, webhookDestination: { orgId: message.orgId, disabledAt: null } },
    select: { id: true, webhookDestinationId: true, dataModels: true, directAddresses: true },
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

  const itemRows: Prisma.InboundItemCreateManyInput[] = [];
  const deliveryRows: Prisma.WebhookDeliveryCreateManyInput[] = [];
  for (const [position, item] of items.entries()) {
    const itemId = randomUUID();
    itemRows.push({
      id: itemId,
      messageId: message.id,
      position,
      dataModel: item.dataModel,
      eventType: item.eventType,
      payload: item.payload as Prisma.InputJsonValue,
    });
    for (const subscription of subscriptions.filter((candidate) => wants(candidate, item))) {
      deliveryRows.push({
        id: randomUUID(),
        webhookDestinationId: subscription.webhookDestinationId,
        subscriptionId: subscription.id,
        messageId: message.id,
        itemId,
      });
    }
  }
  const deliveryIds = deliveryRows.map((row) => row.id!);
  const events: Prisma.MessageEventCreateManyInput[] = [];
  if (extras.openedDetail) events.push({ messageId: message.id, type: "opened", detail: extras.openedDetail });
  events.push({
    messageId: message.id,
    type: "parsed",
    detail: {
      items: items.map((item) => ({
        dataModel: item.dataModel,
        eventType: item.eventType,
        warnings: item.warnings,
      })),
      deliveries: deliveryIds.length,
    },
  });
  if (deliveryIds.length === 0) events.push({ messageId: message.id, type: "no_subscription", detail: { recipients } });
  const mdns = extras.mdns ?? { messages: [], events: [], ids: [] };

  const { db } = deps;
  await db.$transaction([
    db.inboundItem.createMany({ data: itemRows }),
    ...(deliveryRows.length ? [db.webhookDelivery.createMany({ data: deliveryRows })] : []),
    db.message.update({
      where: { id: message.id },
      data: {
        status: "processed",
        directFrom: opened.sender,
        ...(extras.rfcMessageId ? { rfcMessageId: extras.rfcMessageId } : {}),
      },
      select: { id: true },
    }),
    ...(mdns.messages.length ? [db.message.createMany({ data: mdns.messages })] : []),
    db.messageEvent.createMany({ data: [...events, ...mdns.events] }),
  ]);
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
