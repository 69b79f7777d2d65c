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
  const { db } = deps;
  const message = await db.message.findUnique({ where: { id: messageId } });
  // `failed` too: a replayed dead letter that is delivered now may complete the message after all.
  if (!message || message.direction !== "inbound" || !["processed", "failed"].includes(message.status)) return;
  const counts = await db.webhookDelivery.groupBy({ by: ["status"], where: { messageId }, _count: { _all: true } });
  const count = (status: string) => counts.find((entry) => entry.status === status)?._count._all ?? 0;
  if (count("pending") > 0) return;
  const outcome = count("dead") > 0 ? "failed" : "delivered";
  if (outcome === message.status) return;
  const updated = await db.message.updateMany({
    where: { id: messageId, status: message.status },
    data: { status: outcome },
  });
  if (updated.count !== 1) return;
  await db.messageEvent.create({
    data: { messageId, type: outcome, detail: { delivered: count("delivered"), deadLettered: count("dead") } },
  });
  // One final notification per message: once a dispatched or failed MDN went out, a later change is timeline only.
  const mdns = await db.messageEvent.findMany({ where: { messageId, type: "mdn_queued" } });
  const disposition = (event: (typeof mdns)[number]) => (event.detail as { disposition?: string } | null)?.disposition;
  if (mdns.some((event) => ["dispatched", "failed"].includes(disposition(event) ?? ""))) return;
  const opened = await db.messageEvent.findFirst({ where: { messageId, type: "opened" } });
  const detail = opened?.detail as { finalDeliveryRequested?: boolean; mdn?: MdnContext } | null;
  if (!detail?.finalDeliveryRequested || !detail.mdn) return;
  await queueMdn(
    deps,
    message,
    detail.mdn,
    outcome === "delivered" ? "dispatched" : "failed",
    outcome === "delivered"
      ? { finalDelivery: true }
      : { failureText: "the message could not be delivered to the recipient's system" },
  );
}
