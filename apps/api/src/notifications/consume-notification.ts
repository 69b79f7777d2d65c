import {
  isNotification,
  parseNotification,
  type OpenedMessage,
  type ParsedNotification,
} from "@conduit/direct-transport";
import type { Database } from "../db/prisma.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import { applyRecipientEvent, type RecipientEvent } from "./recipient-state.js";

interface ConsumeDeps {
  db: Database;
  logger: Logger;
  /** Told when an outbound message's status may have changed (status webhooks). */
  onOutboundStatusChange?: (messageId: string) => Promise<void>;
}

export function isNotificationMessage(original: Buffer): boolean {
  return isNotification(original);
}

function normaliseId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const trimmed = id.trim();
  return trimmed.startsWith("<") ? trimmed : `<${trimmed}>`;
}

/** The Message-IDs a notification may name its original by, most specific first. */
function candidateIds(notification: ParsedNotification): string[] {
  const ids =
    notification.kind === "mdn"
      ? [notification.originalMessageId, notification.inReplyTo]
      : [
          notification.originalMessageId,
          notification.inReplyTo,
          notification.originalEnvelopeId,
          notification.returnedHeaders?.["message-id"],
        ];
  return [...new Set(ids.map(normaliseId).filter((id): id is string => !!id))];
}

/** Each recipient the notification speaks for, with what it says happened. */
function recipientEvents(notification: ParsedNotification): { address: string | undefined; event: RecipientEvent }[] {
  if (notification.kind === "mdn") {
    const address = notification.finalRecipient ?? notification.from;
    const text = notification.failureText ?? notification.disposition;
    switch (notification.disposition) {
      case "processed":
        return [{ address, event: { kind: "processed", detail: "processed MDN" } }];
      case "dispatched":
        return [
          {
            address,
            event: {
              kind: "dispatched",
              detail: notification.finalDelivery ? "dispatched MDN (final destination delivery)" : "dispatched MDN",
            },
          },
        ];
      case "failed":
      case "denied":
      case "error":
        return [{ address, event: { kind: "failed", detail: `MDN ${notification.disposition}: ${text}` } }];
      default:
        // displayed/deleted: an MUA's report; delivery happened.
        return [{ address, event: { kind: "dispatched", detail: `MDN ${notification.disposition}` } }];
    }
  }
  return notification.recipients
    .filter((recipient) => recipient.action === "failed")
    .map((recipient) => ({
      address: recipient.finalRecipient,
      event: {
        kind: "failed" as const,
        detail: `DSN failed${recipient.status ? ` ${recipient.status}` : ""}${recipient.diagnosticCode ? `: ${recipient.diagnosticCode}` : ""}`,
        remoteReply: recipient.diagnosticCode ?? null,
      },
    }));
}

/**
 * An inbound MDN or DSN: correlated to the outbound message it reports on (MDN by Original-Message-ID, else
 * In-Reply-To; DSN by X-Original-Message-ID, else In-Reply-To, else Original-Envelope-Id or the returned headers) and to
 * the recipient (Final-Recipient), then applied to that recipient's state. Consumed here: never forwarded to content
 * webhooks. Notifications that match nothing are kept on the inbound message's timeline.
 */
export async function consumeNotification(
  deps: ConsumeDeps,
  inbound: { id: string; orgId: string },
  opened: OpenedMessage,
): Promise<void> {
  const { db } = deps;
  const notification = parseNotification(opened.original);
  const summary: Prisma.InputJsonObject = notification
    ? {
        kind: notification.kind,
        originalMessageId: notification.originalMessageId ?? null,
        ...(notification.kind === "mdn"
          ? {
              disposition: notification.disposition,
              finalRecipient: notification.finalRecipient ?? null,
              finalDelivery: notification.finalDelivery,
            }
          : {
              recipients: notification.recipients.map((r) => ({
                finalRecipient: r.finalRecipient,
                action: r.action,
                status: r.status ?? null,
                diagnosticCode: r.diagnosticCode ?? null,
              })),
            }),
      }
    : { kind: "unreadable" };
  const original = notification
    ? await db.message.findFirst({
        where: { orgId: inbound.orgId, direction: "outbound", rfcMessageId: { in: candidateIds(notification) } },
        orderBy: { createdAt: "desc" },
      })
    : null;

  await db.$transaction(async (tx) => {
    await tx.message.update({
      where: { id: inbound.id },
      data: {
        status: "delivered",
        dataModel: "Notification",
        eventType: notification?.kind.toUpperCase() ?? "Unknown",
      },
    });
    await tx.messageEvent.create({
      data: {
        messageId: inbound.id,
        type: original ? "notification_consumed" : "notification_unmatched",
        detail: { ...summary, outboundMessageId: original?.id ?? null },
      },
    });
    if (!original || !notification) return;
    for (const { address, event } of recipientEvents(notification)) {
      const target = address ?? (original.directTo.length === 1 ? original.directTo[0] : undefined);
      if (!target) continue;
      await tx.messageEvent.create({
        data: {
          messageId: original.id,
          type:
            event.kind === "dispatched"
              ? "mdn_dispatched"
              : event.kind === "processed"
                ? "mdn_processed"
                : notification.kind === "dsn"
                  ? "dsn"
                  : "mdn_failed",
          detail: { recipient: target, ...summary, inboundMessageId: inbound.id },
        },
      });
      await applyRecipientEvent(tx, original, target, event);
    }
  });
  if (original) await deps.onOutboundStatusChange?.(original.id);
}
