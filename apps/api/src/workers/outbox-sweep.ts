import type { Queue } from "bullmq";
import type { Config } from "../config.js";
import type { Database } from "../db/prisma.js";
import type { Logger } from "../logger.js";
import { enqueueInbound, type InboundQueue } from "../queues/inbound-queue.js";
import { enqueueOutbound, type OutboundQueue } from "../queues/outbound-queue.js";
import { enqueueWebhookDelivery, type WebhookQueue } from "../queues/webhook-queue.js";
import { markFailed } from "./outbound-worker.js";
import { timeOutSilentRecipients } from "../notifications/notification-timeout.js";

export interface SweepDeps {
  config: Config;
  db: Database;
  logger: Logger;
  outboundQueue: OutboundQueue;
  inboundQueue: InboundQueue;
  webhookQueue: WebhookQueue;
  /** Told when an outbound message's status changed (status webhooks). */
  onOutboundStatusChange?: (messageId: string) => Promise<void>;
}

const pageSize = 500;

/**
 * Walks rows that should have a job, page by page, and gives each one whose job Redis no longer holds (a crash
 * between commit and queue, a Redis restart that lost its data) a new one. `onFailedJob` handles a job that BullMQ
 * gave up on while the database update failed. Returns how many were queued again.
 */
async function requeueOrphans(
  queue: Queue,
  findPage: (cursor: string | undefined) => Promise<{ id: string }[]>,
  enqueue: (id: string) => Promise<void>,
  onRequeued: (id: string) => Promise<unknown>,
  onFailedJob?: (id: string, reason: string) => Promise<unknown>,
): Promise<number> {
  let requeued = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await findPage(cursor);
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    const jobs = await Promise.all(page.map(({ id }) => queue.getJob(id)));
    for (const [index, job] of jobs.entries()) {
      const id = page[index]!.id;
      if (!job) {
        await enqueue(id);
        await onRequeued(id);
        requeued += 1;
      } else if (onFailedJob && (await job.isFailed())) {
        await onFailedJob(id, job.failedReason || "the job failed");
      }
    }
    if (page.length < pageSize) break;
  }
  return requeued;
}

/**
 * The transactional-outbox sweep: outbound messages still queued, inbound messages still received and webhook
 * deliveries still pending after the grace period get their job back if Redis lost it. It also times out outbound
 * recipients whose notifications never came. Returns how many jobs it queued again.
 */
export async function sweepOutbox(deps: SweepDeps): Promise<number> {
  const { db } = deps;
  const olderThan = new Date(Date.now() - deps.config.SWEEP_GRACE_MS);
  const after = (cursor: string | undefined) => (cursor ? { id: { gt: cursor } } : {});
  const requeuedEvent = (messageId: string) =>
    db.messageEvent.create({ data: { messageId, type: "requeued", detail: { reason: "no job found in the queue" } } });

  const outbound = await requeueOrphans(
    deps.outboundQueue,
    (cursor) =>
      db.message.findMany({
        where: { direction: "outbound", status: "queued", createdAt: { lte: olderThan }, ...after(cursor) },
        select: { id: true },
        orderBy: { id: "asc" },
        take: pageSize,
      }),
    (id) => enqueueOutbound(deps.outboundQueue, id),
    requeuedEvent,
    (id, reason) => markFailed(db, id, reason),
  );
  const inbound = await requeueOrphans(
    deps.inboundQueue,
    (cursor) =>
      db.message.findMany({
        where: { direction: "inbound", status: "received", createdAt: { lte: olderThan }, ...after(cursor) },
        select: { id: true },
        orderBy: { id: "asc" },
        take: pageSize,
      }),
    (id) => enqueueInbound(deps.inboundQueue, id),
    requeuedEvent,
  );
  const webhooks = await requeueOrphans(
    deps.webhookQueue,
    (cursor) =>
      db.webhookDelivery.findMany({
        where: { status: "pending", createdAt: { lte: olderThan }, ...after(cursor) },
        select: { id: true },
        orderBy: { id: "asc" },
        take: pageSize,
      }),
    (id) => enqueueWebhookDelivery(deps.webhookQueue, id),
    async () => undefined,
  );
  const timedOut = await timeOutSilentRecipients(db, deps.config.NOTIFICATION_TIMEOUT_MS);
  for (const messageId of timedOut) await deps.onOutboundStatusChange?.(messageId);
  const requeued = outbound + inbound + webhooks;
  if (requeued) deps.logger.warn({ outbound, inbound, webhooks }, "sweep queued work that had no job");
  return requeued;
}

/** Runs the sweep every SWEEP_INTERVAL_MS until stopped; one sweep at a time per process. */
export function startOutboxSweep(deps: SweepDeps): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(() =>
      stopped
        ? undefined
        : sweepOutbox(deps).catch((error: Error) =>
            deps.logger.warn({ err: { message: error.message } }, "sweep failed; will retry"),
          ),
    );
  }, deps.config.SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
