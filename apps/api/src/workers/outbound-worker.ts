import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { composeOriginalMessage, type SendResult } from "@conduit/direct-transport";
import type { Config } from "../config.js";
import type { SecretBox } from "../crypto/secret-box.js";
import { notificationDataModel } from "../notifications/notification-model.js";
import type { Database } from "../db/prisma.js";
import { Prisma } from "../generated/prisma/client.js";
import { isDatabaseUnavailable } from "../db/database-errors.js";
import type { TransportRegistry } from "../hisp/transport-registry.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { assignDocumentVersion } from "../outbound/document-versions.js";
import { loadOutboundMessage, type OutboundMessage } from "../outbound/load-outbound.js";
import { renderOutbound } from "../outbound/render-outbound.js";
import { recordSent } from "../outbound/record-sent.js";
import { outboundQueueName, type OutboundJobData } from "../queues/outbound-queue.js";

export interface OutboundWorkerDeps {
  config: Config;
  db: Database;
  logger: Logger;
  secrets: SecretBox;
  transports: TransportRegistry;
  /** Told when a message's status changed (status webhooks). */
  onStatusChange?: (messageId: string) => Promise<void>;
  metrics?: Metrics;
}

interface PreparedOriginal {
  raw: Buffer;
  summary: Prisma.InputJsonObject;
}

/**
 * The original RFC 5322 message to hand to the adapter: rendered from the data model, or, for a delivery
 * notification, the MDN built when it was queued.
 */
async function prepareOriginal(db: Database, message: OutboundMessage): Promise<PreparedOriginal> {
  if (message.dataModel === notificationDataModel) {
    const raw = Buffer.from((message.payload as { raw: string }).raw, "base64");
    return { raw, summary: { notification: message.eventType, bytes: raw.length } };
  }
  const version = message.dataModel === "Clinical Summary" ? await assignDocumentVersion(db, message) : undefined;
  const rendered = renderOutbound(message, {
    custodianName: message.organization.name,
    version,
    wrapMediaInCda: (message.destination?.settings as { wrapMediaInCda?: unknown } | null)?.wrapMediaInCda === true,
  });
  const raw = await composeOriginalMessage({
    from: message.directFrom,
    to: message.directTo,
    subject: rendered.subject,
    messageId: message.rfcMessageId,
    date: message.createdAt,
    text: rendered.text,
    attachments: rendered.attachments,
    requestFinalDeliveryNotification: message.finalDeliveryRequested,
  });
  return {
    raw,
    summary: {
      ...(version ? { version: { ...version } } : {}),
      attachments: rendered.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        bytes: a.content.length,
      })),
      bytes: raw.length,
    },
  };
}

/**
 * Errors of the machinery rather than of the message: Prisma's (a connection that could not be had, a transaction
 * that could not start in time, PostgreSQL gone) and the network's. Anything else preparing a message (a payload that
 * cannot be rendered, an adapter configured wrongly) fails the same way every time.
 */
export function isInfrastructureError(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError ||
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    error instanceof Prisma.PrismaClientInitializationError ||
    error instanceof Prisma.PrismaClientRustPanicError ||
    isDatabaseUnavailable(error) ||
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EPIPE)$/.test(String((error as { code?: unknown })?.code))
  );
}

/** Ends a message as failed, once: a second call (a retry racing a sweep) changes nothing. */
export async function markFailed(db: Database, messageId: string, reason: string, detail: Prisma.InputJsonObject = {}) {
  await db.$transaction(async (tx) => {
    const updated = await tx.message.updateMany({
      where: { id: messageId, status: "queued" },
      data: { status: "failed", lastError: reason },
    });
    if (updated.count === 1) {
      await tx.messageEvent.create({ data: { messageId, type: "failed", detail: { reason, ...detail } } });
      await tx.messageRecipient.updateMany({
        where: { messageId, finalAt: null },
        data: {
          status: "failed",
          detail: reason,
          remoteReply: (detail.remoteReply as string | null | undefined) ?? null,
          finalAt: new Date(),
        },
      });
    }
  });
}

/**
 * Sends one outbound message. Idempotent: it re-reads the message and returns quietly when it is no longer queued,
 * so a job run twice (a crash after sending, a sweep racing a retry) sends at most once more, with the same
 * Message-ID, and never changes a final status.
 */
export function outboundProcessor(deps: OutboundWorkerDeps) {
  return async (job: Job<OutboundJobData>): Promise<string> => {
    const { db, transports } = deps;
    const message = await loadOutboundMessage(db, job.data.messageId);
    if (!message || message.status !== "queued") return "nothing to do";
    if (!message.destination) {
      await markFailed(db, message.id, "the destination was deleted");
      throw new UnrecoverableError("destination deleted");
    }
    const attempt = job.attemptsMade + 1;

    let raw: Buffer;
    let summary: Prisma.InputJsonObject;
    let transport;
    try {
      const prepared = await prepareOriginal(db, message);
      raw = prepared.raw;
      // The payload (a Media file is ~13 MB of base64) is not needed again: let it be collected before sealing.
      message.payload = null;
      const destination = message.destination;
      transport = await transports.forDestination(destination, () =>
        destination.secretsEncrypted
          ? (JSON.parse(deps.secrets.open(destination.secretsEncrypted)) as Record<string, string>)
          : {},
      );
      summary = prepared.summary;
    } catch (error) {
      // The database or the network failing on the way is no fault of the message: try again later, while attempts last.
      if (isInfrastructureError(error) && attempt < (job.opts.attempts ?? 1)) throw error;
      await markFailed(db, message.id, `could not prepare the message: ${(error as Error).message}`);
      throw new UnrecoverableError((error as Error).message);
    }

    await db.messageEvent.createMany({
      data: [
        ...(attempt === 1 ? [{ messageId: message.id, type: "rendered", detail: summary }] : []),
        { messageId: message.id, type: "handed_to_hisp", detail: { adapter: transport.kind, attempt } },
      ],
    });
    let result: SendResult;
    try {
      result = await transport.send({
        id: message.id,
        messageId: message.rfcMessageId,
        from: message.directFrom,
        to: message.directTo,
        raw,
      });
    } catch (error) {
      result = { outcome: "transient-failure", reason: `adapter error: ${(error as Error).message}` };
    }

    if (result.outcome === "accepted") {
      deps.metrics?.sends.inc({ adapter: transport.kind, outcome: "accepted" });
      await recordSent(db, message.id, {
        remoteReply: result.remoteReply ?? null,
        // Nothing ever answers for a file: written is as far as it goes.
        final: transport.kind === "file",
        detail: { adapter: transport.kind, detail: result.detail, remoteReply: result.remoteReply ?? null, attempt },
      });
      deps.logger.info({ messageId: message.id, adapter: transport.kind, attempt }, "message sent");
      await deps.onStatusChange?.(message.id);
      return "sent";
    }

    deps.metrics?.sends.inc({ adapter: transport.kind, outcome: result.outcome });
    const detail = { adapter: transport.kind, attempt, remoteReply: result.remoteReply ?? null };
    if (result.outcome === "permanent-failure") {
      await markFailed(db, message.id, result.reason, detail);
      await deps.onStatusChange?.(message.id);
      deps.logger.warn({ messageId: message.id, adapter: transport.kind, attempt }, "message failed permanently");
      throw new UnrecoverableError(result.reason);
    }
    const attempts = job.opts.attempts ?? 1;
    if (attempt >= attempts) {
      await markFailed(db, message.id, `gave up after ${attempt} attempts: ${result.reason}`, detail);
      await deps.onStatusChange?.(message.id);
      deps.logger.warn({ messageId: message.id, adapter: transport.kind, attempt }, "message failed after retries");
      throw new UnrecoverableError(result.reason);
    }
    await db.$transaction([
      db.message.update({ where: { id: message.id }, data: { lastError: result.reason } }),
      db.messageEvent.create({
        data: { messageId: message.id, type: "retry_scheduled", detail: { reason: result.reason, ...detail } },
      }),
    ]);
    throw new Error(result.reason);
  };
}

export function startOutboundWorker(connection: Redis, deps: OutboundWorkerDeps): Worker<OutboundJobData> {
  const worker = new Worker<OutboundJobData>(outboundQueueName, outboundProcessor(deps), {
    connection: connection as unknown as ConnectionOptions,
    prefix: deps.config.QUEUE_PREFIX,
    lockDuration: deps.config.WORKER_LOCK_MS,
    stalledInterval: Math.max(1_000, Math.floor(deps.config.WORKER_LOCK_MS / 2)),
    concurrency: deps.config.WORKER_CONCURRENCY,
  });
  worker.on("error", (error) => deps.logger.error({ err: { message: error.message } }, "outbound worker error"));
  return worker;
}
