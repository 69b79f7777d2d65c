import { randomUUID } from "node:crypto";
import { buildMdn, mdnReturnAddress, type MdnDisposition, type OpenedMessage } from "@conduit/direct-transport";
import type { Database } from "../db/prisma.js";
import { withTimeout } from "../db/prisma.js";
import type { Logger } from "../logger.js";
import { enqueueOutbound, type OutboundQueue } from "../queues/outbound-queue.js";
import { notificationDataModel } from "./notification-model.js";

interface SendMdnDeps {
  db: Database;
  logger: Logger;
  outboundQueue: OutboundQueue;
}

interface InboundMessage {
  id: string;
  orgId: string;
  rfcMessageId: string;
}

/** The headers and addresses of the original that an MDN needs, as kept in the message's `opened` event. */
export interface MdnContext {
  sender: string;
  recipients: string[];
  subject?: string;
  returnAddress?: string;
}

export function mdnContextOf(opened: OpenedMessage): MdnContext {
  const subject = opened.headers.find((header) => header.name.toLowerCase() === "subject")?.value;
  return {
    sender: opened.sender,
    recipients: opened.recipients,
    subject,
    returnAddress: mdnReturnAddress(opened.headers),
  };
}

/**
 * Queues an MDN for each of the organization's recipients of an inbound message (IG for Delivery Notification in
 * Direct §2: the receiving security agent answers a trusted message with `processed`; the final-delivery extension
 * asks for `dispatched` or a failure notice later). It goes out like any Direct message, through the organization's
 * destination for the receiving address (or its first SMTP destination), sealed for the original sender.
 */
export async function queueMdn(
  deps: SendMdnDeps,
  message: InboundMessage,
  context: MdnContext,
  disposition: MdnDisposition,
  options: { finalDelivery?: boolean; failureText?: string } = {},
): Promise<string[]> {
  const destinations = await deps.db.destination.findMany({
    where: { orgId: message.orgId, disabledAt: null },
    orderBy: { createdAt: "asc" },
  });
  const queued: string[] = [];
  const to = (context.returnAddress ?? context.sender).toLowerCase();
  for (const recipient of context.recipients) {
    const lower = recipient.toLowerCase();
    const destination =
      destinations.find((candidate) => candidate.directAddressFrom.toLowerCase() === lower) ??
      destinations.find((candidate) => candidate.adapter === "smtp" || candidate.adapter === "smtp-edge");
    if (!destination) {
      await deps.db.messageEvent.create({
        data: {
          messageId: message.id,
          type: "mdn_not_sent",
          detail: { disposition, recipient: lower, reason: "no destination can carry it" },
        },
      });
      continue;
    }
    const id = randomUUID();
    const domain = lower.slice(lower.lastIndexOf("@") + 1);
    const rfcMessageId = `<${id}@${domain}>`;
    const raw = buildMdn({
      from: lower,
      to,
      originalMessageId: message.rfcMessageId,
      originalSubject: context.subject,
      finalRecipient: lower,
      disposition,
      failureText: options.failureText,
      finalDelivery: options.finalDelivery,
      messageId: rfcMessageId,
      date: new Date(),
    });
    await deps.db.$transaction([
      deps.db.message.create({
        data: {
          id,
          orgId: message.orgId,
          destinationId: destination.id,
          direction: "outbound",
          dataModel: notificationDataModel,
          eventType: `MDN ${disposition}`,
          status: "queued",
          payload: { raw: raw.toString("base64"), inReplyTo: message.id },
          directFrom: lower,
          directTo: [to],
          rfcMessageId,
          attemptId: randomUUID(),
          events: { create: { type: "accepted", detail: { notificationFor: message.id, disposition } } },
        },
      }),
      deps.db.messageEvent.create({
        data: {
          messageId: message.id,
          type: "mdn_queued",
          detail: { disposition, recipient: lower, notificationMessageId: id, finalDelivery: !!options.finalDelivery },
        },
      }),
    ]);
    await withTimeout(enqueueOutbound(deps.outboundQueue, id), 2_000).catch((error: Error) =>
      deps.logger.warn(
        { messageId: id, err: { message: error.message } },
        "queueing an MDN failed; the sweep will queue it",
      ),
    );
    queued.push(id);
  }
  return queued;
}
