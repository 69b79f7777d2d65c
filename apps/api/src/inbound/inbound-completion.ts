import type { Database } from "../db/prisma.js";
import type { Logger } from "../logger.js";
import { queueMdn, type MdnContext } from "../notifications/send-mdn.js";
import type { OutboundQueue } from "../queues/outbound-queue.js";

interface CompletionDeps {
  db: Database;
  logger: Logger;
  outboundQueue: OutboundQueue;
}

/**
 * After each webhook delivery of an inbound message ends: once every delivery is done, the message is `delivered`
 * (all 2xx) or `failed` (one was dead-lettered), and when the sender asked for final-delivery notification it gets a
 * `dispatched` MDN with X-DIRECT-FINAL-DESTINATION-DELIVERY, or a `failed` one (IG for Delivery Notification §3).
 */
export async function completeInboundMessage(deps: CompletionDeps, messageId: string): Promise<void> {
  // One statement: count the message's deliveries; when none is pending, move an inbound message that is processed
  // (or `failed` and now delivered: a replayed dead letter) to its outcome and record it; and read back its `opened`
  // and `mdn_queued` events. Timestamps as Prisma writes them: UTC in columns without a time zone.
  const at = new Date().toISOString();
  const [completed] = await deps.db.$queryRaw<
    { org_id: string; rfc_message_id: string; status: "delivered" | "failed"; events: CompletionEvent[] }[]
  >`
    WITH counts AS (
      SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
        count(*) FILTER (WHERE status = 'delivered') AS delivered,
        count(*) FILTER (WHERE status = 'dead') AS dead
      FROM webhook_deliveries WHERE message_id = ${messageId}::uuid
    ),
    updated AS (
      UPDATE messages SET
        status = (CASE WHEN counts.dead > 0 THEN 'failed' ELSE 'delivered' END)::"MessageStatus",
        updated_at = ${at}::timestamp(3)
      FROM counts
      WHERE messages.id = ${messageId}::uuid AND messages.direction = 'inbound' AND counts.pending = 0
        AND (messages.status = 'processed' OR (messages.status = 'failed' AND counts.dead = 0))
      RETURNING messages.id, messages.org_id, messages.rfc_message_id, messages.status::text AS status
    ),
    recorded AS (
      INSERT INTO message_events (message_id, type, detail, created_at)
      SELECT updated.id, updated.status, jsonb_build_object('delivered', counts.delivered, 'deadLettered', counts.dead),
        ${at}::timestamp(3)
      FROM updated, counts
    )
    SELECT updated.org_id::text, updated.rfc_message_id, updated.status,
      coalesce((
        SELECT jsonb_agg(jsonb_build_object('type', event.type, 'detail', event.detail) ORDER BY event.id)
        FROM message_events event
        WHERE event.message_id = ${messageId}::uuid AND event.type IN ('mdn_queued', 'opened')
      ), '[]'::jsonb) AS events
    FROM updated`;
  if (!completed) return;
  const { status: outcome, events } = completed;
  // One final notification per message: once a dispatched or failed MDN went out, a later change is timeline only.
  const disposition = (event: CompletionEvent) => (event.detail as { disposition?: string } | null)?.disposition;
  if (
    events.some((event) => event.type === "mdn_queued" && ["dispatched", "failed"].includes(disposition(event) ?? ""))
  )
    return;
  const opened = events.find((event) => event.type === "opened");
  const detail = opened?.detail as { finalDeliveryRequested?: boolean; mdn?: MdnContext } | null;
  if (!detail?.finalDeliveryRequested || !detail.mdn) return;
  await queueMdn(
    deps,
    { id: messageId, orgId: completed.org_id, rfcMessageId: completed.rfc_message_id },
    detail.mdn,
    outcome === "delivered" ? "dispatched" : "failed",
    outcome === "delivered"
      ? { finalDelivery: true }
      : { failureText: "the message could not be delivered to the recipient's system" },
  );
}

interface CompletionEvent {
  type: string;
  detail: unknown;
}
