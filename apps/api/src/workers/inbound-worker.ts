import { Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { simpleParser } from "mailparser";
import { isDirectSecurityError, openMessage, type OpenedMessage } from "@conduit/direct-transport";
import type { Config } from "../config.js";
import type { SecretBox } from "../crypto/secret-box.js";
import type { Database } from "../db/prisma.js";
import type { Prisma } from "../generated/prisma/client.js";
import { extractItems, ExtractionError, type ExtractionTools } from "../inbound/extract-items.js";
import { fanOut } from "../inbound/fan-out.js";
import { loadInbound } from "../inbound/load-inbound.js";
import { organizationTrustFromRows } from "../inbound/trust-config.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { consumeNotification, isNotificationMessage } from "../notifications/consume-notification.js";
import { enqueueMdns, mdnContextOf, planMdns } from "../notifications/send-mdn.js";
import { requestsFinalDelivery } from "@conduit/direct-transport";
import type { OutboundQueue } from "../queues/outbound-queue.js";
import { inboundQueueName, type InboundJobData } from "../queues/inbound-queue.js";
import type { WebhookQueue } from "../queues/webhook-queue.js";

export interface InboundWorkerDeps {
  config: Config;
  db: Database;
  logger: Logger;
  secrets: SecretBox;
  webhookQueue: WebhookQueue;
  outboundQueue: OutboundQueue;
  tools: ExtractionTools;
  /** Told when a notification changed an outbound message's status (status webhooks). */
  onOutboundStatusChange?: (messageId: string) => Promise<void>;
  metrics?: Metrics;
}

/** Ends an inbound message as quarantined: kept with its reason, never forwarded, no MDN. */
async function quarantine(db: Database, messageId: string, reason: string, detail: Prisma.InputJsonObject = {}) {
  await db.$transaction(async (tx) => {
    const updated = await tx.message.updateMany({
      where: { id: messageId, status: "received" },
      data: { status: "quarantined", quarantineReason: reason, lastError: reason },
    });
    if (updated.count === 1)
      await tx.messageEvent.create({ data: { messageId, type: "quarantined", detail: { reason, ...detail } } });
  });
}

function describeOpened(opened: OpenedMessage): Prisma.InputJsonObject {
  return {
    finalDeliveryRequested: requestsFinalDelivery(opened.headers),
    mdn: { ...mdnContextOf(opened) },
    sender: opened.sender,
    signer: opened.signer.subject,
    anchor: opened.signerPath.at(-1)?.subject ?? null,
    algorithms: { ...opened.algorithms },
  };
}

/**
 * Opens an inbound Direct message (decrypt, verify, unwrap, tamper check), then either consumes it as a delivery
 * notification or turns it into data models for the organization's webhook subscriptions and answers the sender with
 * a processed MDN. Idempotent: a message no longer `received` is left alone.
 */
export function inboundProcessor(deps: InboundWorkerDeps) {
  return async (job: Job<InboundJobData>): Promise<string> => {
    const { db, logger } = deps;
    const message = await loadInbound(db, job.data.messageId);
    if (!message || message.status !== "received" || !message.raw) return "nothing to do";
    const trust = organizationTrustFromRows(deps.secrets, message.certificates);
    const raw = message.raw.data;

    let opened: OpenedMessage;
    try {
      opened = await openMessage(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
        credentials: trust.credentials.map((entry) => entry.credentials),
        trust: trust.anchors,
        envelope: { from: message.raw.mailFrom, to: message.raw.rcptTo },
        policy: { allowSha1CertificateSignatures: deps.config.DIRECT_ALLOW_SHA1_CERTIFICATES },
      });
    } catch (error) {
      if (isDirectSecurityError(error)) {
        const reason = error.message.startsWith(error.code) ? error.message : `${error.code}: ${error.message}`;
        await quarantine(db, message.id, reason, { code: error.code });
        logger.warn({ messageId: message.id, code: error.code }, "inbound message quarantined");
        return "quarantined";
      }
      throw error;
    }
    const openedDetail = describeOpened(opened);
    // On the usual path the `opened` event is stored with the rest, in one transaction; elsewhere on its own, first.
    const recordOpened = () =>
      db.messageEvent.create({
        data: { messageId: message.id, type: "opened", detail: openedDetail },
        select: { id: true },
      });

    // Many agents put no Message-ID on the outer envelope; the original's own is the one notifications will name.
    const innerMessageId = opened.headers.find((header) => header.name.toLowerCase() === "message-id")?.value.trim();
    let ownMessageId: string | undefined;
    if (
      innerMessageId &&
      innerMessageId !== message.rfcMessageId &&
      message.rfcMessageId.endsWith("@conduit.invalid>")
    ) {
      const duplicate = await db.message.findFirst({
        where: { orgId: message.orgId, direction: "inbound", rfcMessageId: innerMessageId, id: { not: message.id } },
        select: { id: true },
      });
      if (duplicate) {
        await recordOpened();
        await quarantine(
          db,
          message.id,
          `duplicate of inbound message ${duplicate.id} (same Message-ID ${innerMessageId})`,
        );
        return "duplicate";
      }
      ownMessageId = innerMessageId;
      message.rfcMessageId = innerMessageId;
    }
    const recordOpenedApart = async () => {
      await recordOpened();
      if (ownMessageId)
        await db.message.update({
          where: { id: message.id },
          data: { rfcMessageId: ownMessageId },
          select: { id: true },
        });
    };

    if (isNotificationMessage(opened.original)) {
      await recordOpenedApart();
      await consumeNotification(deps, message, opened);
      return "notification";
    }

    let items;
    try {
      const mail = await simpleParser(opened.original, {
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipTextLinks: true,
      });
      items = await extractItems(
        mail,
        { messageId: message.id, sender: opened.sender, recipients: opened.recipients, receivedAt: message.createdAt },
        deps.tools,
      );
    } catch (error) {
      const reason =
        error instanceof ExtractionError || (error as { code?: string }).code
          ? (error as Error).message
          : `unreadable content: ${(error as Error).message}`;
      await recordOpenedApart();
      await quarantine(db, message.id, reason);
      return "quarantined";
    }

    // The processed MDN is stored with the items and deliveries: a message is never processed without its MDN.
    const mdns = planMdns(message.destinations, message, mdnContextOf(opened), "processed");
    const deliveryIds = await fanOut(deps, message, items, opened, {
      openedDetail,
      rfcMessageId: ownMessageId,
      mdns,
      subscriptions: message.subscriptions,
    });
    logger.info(
      { messageId: message.id, items: items.length, deliveries: deliveryIds.length },
      "inbound message processed",
    );
    await enqueueMdns(deps, mdns.ids);
    return "processed";
  };
}

export function startInboundWorker(connection: Redis, deps: InboundWorkerDeps): Worker<InboundJobData> {
  const process = inboundProcessor(deps);
  const counted = async (job: Job<InboundJobData>) => {
    const outcome = await process(job);
    deps.metrics?.inbound.inc({ outcome });
    return outcome;
  };
  const worker = new Worker<InboundJobData>(inboundQueueName, counted, {
    connection: connection as unknown as ConnectionOptions,
    prefix: deps.config.QUEUE_PREFIX,
    lockDuration: deps.config.WORKER_LOCK_MS,
    stalledInterval: Math.max(1_000, Math.floor(deps.config.WORKER_LOCK_MS / 2)),
    concurrency: deps.config.INBOUND_CONCURRENCY,
  });
  worker.on("error", (error) => deps.logger.error({ err: { message: error.message } }, "inbound worker error"));
  return worker;
}
