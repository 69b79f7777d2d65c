import type { Database } from "../db/prisma.js";
import { applyRecipientEvent } from "./recipient-state.js";

/**
 * Recipients still waiting for a notification NOTIFICATION_TIMEOUT_MS after their message was sent end `timed_out`
 * (IG for Delivery Notification in Direct §4: a sender that hears nothing treats the message as not delivered). The
 * deadline is data (the message's sentAt), not a timer, so it survives restarts and any worker may apply it.
 * Returns the messages that changed.
 */
export async function timeOutSilentRecipients(db: Database, timeoutMs: number, limit = 500): Promise<string[]> {
  const deadline = new Date(Date.now() - timeoutMs);
  const overdue = await db.messageRecipient.findMany({
    where: {
      finalAt: null,
      status: { in: ["sent", "processed"] },
      message: { direction: "outbound", sentAt: { lte: deadline } },
    },
    include: { message: { select: { id: true, finalDeliveryRequested: true } } },
    take: limit,
  });
  const changed = new Set<string>();
  for (const recipient of overdue) {
    const detail =
      recipient.status === "processed"
        ? `no dispatched MDN within ${Math.round(timeoutMs / 1000)} s of sending`
        : `no MDN or DSN within ${Math.round(timeoutMs / 1000)} s of sending`;
    const moved = await db.$transaction(async (tx) => {
      const applied = await applyRecipientEvent(tx, recipient.message, recipient.address, {
        kind: "timed_out",
        detail,
      });
      if (applied)
        await tx.messageEvent.create({
          data: {
            messageId: recipient.messageId,
            type: "timed_out",
            detail: { recipient: recipient.address, reason: detail },
          },
        });
      return applied;
    });
    if (moved) changed.add(recipient.messageId);
  }
  return [...changed];
}
