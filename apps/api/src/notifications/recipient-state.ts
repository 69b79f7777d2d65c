import type { MessageStatus, Prisma } from "../generated/prisma/client.js";

/** What can happen to one recipient of an outbound message after it was handed over. */
export type RecipientEvent =
  | { kind: "sent"; remoteReply?: string | null; final?: boolean }
  | { kind: "processed"; detail?: string }
  | { kind: "dispatched"; detail?: string }
  | { kind: "failed"; detail: string; remoteReply?: string | null }
  | { kind: "timed_out"; detail: string };

type Transaction = Prisma.TransactionClient;

const rank: Record<string, number> = { queued: 0, sent: 1, processed: 2 };

/**
 * Moves one recipient along `queued → sent → processed → delivered`, or to `failed` / `timed_out`, following the
 * Implementation Guide for Delivery Notification in Direct: `processed` is final unless final delivery was requested;
 * exactly one final outcome per recipient, so anything arriving after it (a late dispatched MDN after a timeout) is
 * recorded in the timeline and changes nothing. Returns whether the recipient changed.
 */
export async function applyRecipientEvent(
  tx: Transaction,
  message: { id: string; finalDeliveryRequested: boolean },
  address: string,
  event: RecipientEvent,
): Promise<boolean> {
  const recipient = await tx.messageRecipient.findUnique({
    where: { messageId_address: { messageId: message.id, address: address.toLowerCase() } },
  });
  if (!recipient) return false;
  if (recipient.finalAt) {
    await tx.messageEvent.create({
      data: {
        messageId: message.id,
        type: "late_notification",
        detail: { recipient: recipient.address, event: event.kind, outcome: recipient.status },
      },
    });
    return false;
  }
  const now = new Date();
  let data: Prisma.MessageRecipientUpdateInput | undefined;
  switch (event.kind) {
    case "sent":
      if ((rank[recipient.status] ?? 9) < rank.sent!)
        data = { status: "sent", remoteReply: event.remoteReply ?? null, finalAt: event.final ? now : null };
      break;
    case "processed":
      if ((rank[recipient.status] ?? 9) < rank.processed!)
        data = {
          status: "processed",
          detail: event.detail ?? null,
          finalAt: message.finalDeliveryRequested ? null : now,
        };
      break;
    case "dispatched":
      data = { status: "delivered", detail: event.detail ?? null, finalAt: now };
      break;
    case "failed":
      data = {
        status: "failed",
        detail: event.detail,
        remoteReply: event.remoteReply ?? recipient.remoteReply,
        finalAt: now,
      };
      break;
    case "timed_out":
      data = { status: "timed_out", detail: event.detail, finalAt: now };
      break;
  }
  if (!data) return false;
  await tx.messageRecipient.update({ where: { id: recipient.id }, data });
  await refreshMessageStatus(tx, message.id);
  return true;
}

/**
 * The message's own status from its recipients': while any is still open, the least advanced open state; once all
 * are final, `delivered` / `processed` when all agree, `failed` when any failed, otherwise `timed_out`.
 */
export async function refreshMessageStatus(tx: Transaction, messageId: string): Promise<MessageStatus | undefined> {
  const recipients = await tx.messageRecipient.findMany({ where: { messageId } });
  if (recipients.length === 0) return undefined;
  const open = recipients.filter((recipient) => !recipient.finalAt);
  let status: MessageStatus;
  if (open.length > 0) {
    status = open.reduce(
      (least, recipient) => ((rank[recipient.status] ?? 0) < (rank[least] ?? 0) ? recipient.status : least),
      open[0]!.status,
    );
  } else {
    const statuses = new Set(recipients.map((recipient) => recipient.status));
    if (statuses.size === 1) status = recipients[0]!.status;
    else if (statuses.has("failed")) status = "failed";
    else if (statuses.has("timed_out")) status = "timed_out";
    else status = statuses.has("processed") ? "processed" : "delivered";
  }
  await tx.message.update({ where: { id: messageId }, data: { status } });
  return status;
}
