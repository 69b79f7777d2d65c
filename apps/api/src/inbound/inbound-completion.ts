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
  const counts = await db.webhookDelivery.groupBy({ by: ["status"], where: { messageId }, _count: { _all: true } });
  const count = (status: string) => counts.find((entry) => entry.status === status)?._count._all ?? 0;
  if (count("pending") > 0) return;
  const outcome = count("dead") > 0 ? "failed" : "delivered";
  // Only an inbound message that is processed, or `failed` and now delivered (a replayed dead letter), moves on.
  const updated = await db.message.updateMany({
    where: {
      id: messageId,
      direction: "inbound",
      status: { in: outcome === "delivered" ? ["processed", "failed"] : ["processed"] },
    },
    data: { status: outcome },
  });
  if (updated.count !== 1) return;
  await db.messageEvent.createMany({
    data: { messageId, type: outcome, detail: { delivered: count("delivered"), deadLettered: count("dead") } },
  });
  const events = await db.messageEvent.findMany({
    where: { messageId, type: { in: ["mdn_queued", "opened"] } },
    select: { type: true, detail: true },
    orderBy: { id: "asc" },
  });
  // One final notification per message: once a dispatched or failed MDN went out, a later change is timeline only.
  const disposition = (event: (typeof events)[number]) =>
    (event.detail as { disposition?: string } | null)?.disposition;
  if (
    events.some((event) => event.type === "mdn_queued" && ["dispatched", "failed"].includes(disposition(event) ?? ""))
  )
    return;
  const opened = events.find((event) => event.type === "opened");
  const detail = opened?.detail as { finalDeliveryRequested?: boolean; mdn?: MdnContext } | null;
  if (!detail?.finalDeliveryRequested || !detail.mdn) return;
  const message = await db.message.findUnique({
    where: { id: messageId },
    select: { id: true, orgId: true, rfcMessageId: true },
  });
  if (!message) return;
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
