import { randomUUID } from "node:crypto";
import { buildMdn, mdnReturnAddress, type MdnDisposition, type OpenedMessage } from "@conduit/direct-transport";
import type { Database } from "../db/prisma.js";
import type { Prisma } from "../generated/prisma/client.js";
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

/** The destinations an MDN may leave through: the organization's enabled ones, oldest first. */
export type MdnDestination = { id: string; directAddressFrom: string; adapter: string };

export function mdnDestinations(db: Database, orgId: string): Promise<MdnDestination[]> {
  return db.destination.findMany({
    where: { orgId, disabledAt: null },
    orderBy: { createdAt: "asc" },
    select: { id: true, directAddressFrom: true, adapter: true },
  });
}

/** MDN messages built and ready to store: their rows, the timeline events (theirs and the original's), their ids. */
export interface PlannedMdns {
  messages: Prisma.MessageCreateManyInput[];
  events: Prisma.MessageEventCreateManyInput[];
  ids: string[];
}

/**
 * Builds an MDN for each of the organization's recipients of an inbound message (IG for Delivery Notification in
 * Direct §2: the receiving security agent answers a trusted message with `processed`; the final-delivery extension
 * asks for `dispatched` or a failure notice later). It goes out like any Direct message, through the organization's
 * destination for the receiving address (or its first SMTP destination), sealed for the original sender. Nothing is
 * stored: the rows are returned so that the caller can store them in its own transaction (messages before events).
 */
export function planMdns(
  destinations: MdnDestination[],
  message: InboundMessage,
  context: MdnContext,
  disposition: MdnDisposition,
  options: { finalDelivery?: boolean; failureText?: string } = {},
): PlannedMdns {
  const planned: PlannedMdns = { messages: [], events: [], ids: [] };
  const to = (context.returnAddress ?? context.sender).toLowerCase();
  for (const recipient of context.recipients) {
    const lower = recipient.toLowerCase();
    const destination =
      destinations.find((candidate) => candidate.directAddressFrom.toLowerCase() === lower) ??
      destinations.find((candidate) => candidate.adapter === "smtp" || candidate.adapter === "smtp-edge");
    if (!destination) {
      planned.events.push({
        messageId: message.id,
        type: "mdn_not_sent",
        detail: { disposition, recipient: lower, reason: "no destination can carry it" },
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
    planned.messages.push({
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
    });
    planned.events.push(
      { messageId: id, type: "accepted", detail: { notificationFor: message.id, disposition } },
      {
        messageId: message.id,
        type: "mdn_queued",
        detail: { disposition, recipient: lower, notificationMessageId: id, finalDelivery: !!options.finalDelivery },
      },
    );
    planned.ids.push(id);
  }
  return planned;
}

/** The statements that store planned MDNs, for a batch transaction (the MDN messages first: events refer to them). */
export function storeMdnsStatements(db: Database, planned: PlannedMdns): Prisma.PrismaPromise<unknown>[] {
  return [
    ...(planned.messages.length ? [db.message.createMany({ data: planned.messages })] : []),
    ...(planned.events.length ? [db.messageEvent.createMany({ data: planned.events })] : []),
  ];
}

/** Queues stored MDNs for sending; a failure is left to the sweep. */
export async function enqueueMdns(deps: SendMdnDeps, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map((id) =>
      withTimeout(enqueueOutbound(deps.outboundQueue, id), 2_000).catch((error: Error) =>
        deps.logger.warn(
          { messageId: id, err: { message: error.message } },
          "queueing an MDN failed; the sweep will queue it",
        ),
      ),
    ),
  );
}

/** Builds, stores (in one transaction) and queues the MDNs for an inbound message: see `planMdns`. */
export async function queueMdn(
  deps: SendMdnDeps,
  message: InboundMessage,
  context: MdnContext,
  disposition: MdnDisposition,
  options: { finalDelivery?: boolean; failureText?: string } = {},
): Promise<string[]> {
  const planned = planMdns(await mdnDestinations(deps.db, message.orgId), message, context, disposition, options);
  const statements = storeMdnsStatements(deps.db, planned);
  if (statements.length > 1) await deps.db.$transaction(statements);
  else if (statements.length === 1) await statements[0];
  await enqueueMdns(deps, planned.ids);
  return planned.ids;
}
