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
  /** The organization's enabled content subscriptions, when already read (else they are read here). */
  subscriptions?: ContentSubscription[];
}

/** A content subscription, as fan-out matches items to it. */
export interface ContentSubscription {
  id: string;
  webhookDestinationId: string;
  dataModels: string[];
  directAddresses: string[];
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
  const subscriptions: ContentSubscription[] =
    extras.subscriptions ??
    (await deps.db.webhookSubscription.findMany({
      where: { kind: "content", disabledAt: null, webhookDestination: { orgId: message.orgId, disabledAt: null } },
      select: { id: true, webhookDestinationId: true, dataModels: true, directAddresses: true },
    }));
  const recipients = opened.recipients.map((address) => address.toLowerCase());
  const wants = (subscription: ContentSubscription, item: ExtractedItem) =>
    (subscription.dataModels.length === 0 ||
      subscription.dataModels.includes("*") ||
      subscription.dataModels.includes(item.dataModel)) &&
    (subscription.directAddresses.length === 0 ||
      subscription.directAddresses.some(
        (address) =>
          recipients.includes(address.toLowerCase()) ||
          (address.startsWith("@") && recipients.some((r) => r.endsWith(address.toLowerCase()))),
      ));

  const itemRows: { id: string; position: number; data_model: string; event_type: string; payload: unknown }[] = [];
  const deliveryRows: { id: string; webhook_destination_id: string; subscription_id: string; item_id: string }[] = [];
  for (const [position, item] of items.entries()) {
    const itemId = randomUUID();
    itemRows.push({
      id: itemId,
      position,
      data_model: item.dataModel,
      event_type: item.eventType,
      payload: item.payload,
    });
    for (const subscription of subscriptions.filter((candidate) => wants(candidate, item))) {
      deliveryRows.push({
        id: randomUUID(),
        webhook_destination_id: subscription.webhookDestinationId,
        subscription_id: subscription.id,
        item_id: itemId,
      });
    }
  }
  const deliveryIds = deliveryRows.map((row) => row.id);
  const events: { messageId: string; type: string; detail: unknown }[] = [];
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

  // One SQL statement: atomic by itself, one round trip, each payload serialized once by JSON.stringify (Prisma walked
  // every node of a C-CDA's payload, twice, and needed a transaction of seven round trips).
  // Timestamps as Prisma writes them: UTC in columns without a time zone, whatever the session's time zone is.
  const input = JSON.stringify({
    at: new Date().toISOString(),
    message_id: message.id,
    sender: opened.sender,
    rfc_message_id: extras.rfcMessageId ?? null,
    items: itemRows,
    deliveries: deliveryRows,
    mdns: mdns.messages.map((row) => ({
      id: row.id,
      org_id: row.orgId,
      destination_id: row.destinationId,
      data_model: row.dataModel,
      event_type: row.eventType,
      status: row.status,
      payload: row.payload,
      direct_from: row.directFrom,
      direct_to: row.directTo,
      rfc_message_id: row.rfcMessageId,
      attempt_id: row.attemptId,
    })),
    events: [...events, ...mdns.events].map((event) => ({
      message_id: event.messageId,
      type: event.type,
      detail: event.detail ?? null,
    })),
  });
  await deps.db.$executeRaw`
    WITH input AS (SELECT ${input}::jsonb AS j),
    at AS (SELECT (j->>'at')::timestamp(3) AS at, (j->>'message_id')::uuid AS message_id FROM input),
    items_inserted AS (
      INSERT INTO inbound_items (id, message_id, position, data_model, event_type, payload, created_at)
      SELECT row.id, at.message_id, row.position, row.data_model, row.event_type, row.payload, at.at
      FROM at, jsonb_to_recordset((SELECT j->'items' FROM input)) AS row(
        id uuid, position integer, data_model text, event_type text, payload jsonb)
    ),
    deliveries_inserted AS (
      INSERT INTO webhook_deliveries (id, webhook_destination_id, subscription_id, message_id, item_id, created_at,
        updated_at, window_started_at)
      SELECT row.id, row.webhook_destination_id, row.subscription_id, at.message_id, row.item_id, at.at, at.at, at.at
      FROM at, jsonb_to_recordset((SELECT j->'deliveries' FROM input)) AS row(
        id uuid, webhook_destination_id uuid, subscription_id uuid, item_id uuid)
    ),
    message_updated AS (
      UPDATE messages SET status = 'processed', direct_from = (SELECT j->>'sender' FROM input),
        rfc_message_id = coalesce((SELECT j->>'rfc_message_id' FROM input), rfc_message_id),
        updated_at = (SELECT at FROM at)
      WHERE id = (SELECT message_id FROM at)
    ),
    mdns_inserted AS (
      INSERT INTO messages (id, org_id, destination_id, direction, data_model, event_type, status, payload,
        direct_from, direct_to, rfc_message_id, attempt_id, created_at, updated_at)
      SELECT row.id, row.org_id, row.destination_id, 'outbound', row.data_model, row.event_type,
        row.status::"MessageStatus", row.payload, row.direct_from, row.direct_to, row.rfc_message_id, row.attempt_id,
        at.at, at.at
      FROM at, jsonb_to_recordset((SELECT j->'mdns' FROM input)) AS row(
        id uuid, org_id uuid, destination_id uuid, data_model text, event_type text, status text, payload jsonb,
        direct_from text, direct_to text[], rfc_message_id text, attempt_id uuid)
    )
    INSERT INTO message_events (message_id, type, detail, created_at)
    SELECT (event.value->>'message_id')::uuid, event.value->>'type', nullif(event.value->'detail', 'null'::jsonb),
      at.at
    FROM at, jsonb_array_elements((SELECT j->'events' FROM input)) WITH ORDINALITY AS event(value, position)
    ORDER BY event.position`;
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
