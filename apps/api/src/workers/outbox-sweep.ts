import type { Config } from "../config.js";
import type { Database } from "../db/prisma.js";
import type { Logger } from "../logger.js";
import { enqueueOutbound, type OutboundQueue } from "../queues/outbound-queue.js";
import { markFailed } from "./outbound-worker.js";

export interface SweepDeps {
  config: Config;
  db: Database;
  logger: Logger;
  outboundQueue: OutboundQueue;
}

const pageSize = 500;

/**
 * The transactional-outbox sweep: finds outbound messages still queued after the grace period whose job Redis no
 * longer holds (a crash between commit and queue, a Redis restart that lost its data) and queues them again. A job
 * that BullMQ gave up on while the database update failed is closed as failed here.
 * Returns how many messages it queued again.
 */
export async function sweepOutbox(deps: SweepDeps): Promise<number> {
  const { db, outboundQueue } = deps;
  const olderThan = new Date(Date.now() - deps.config.SWEEP_GRACE_MS);
  let requeued = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await db.message.findMany({
      where: {
        direction: "outbound",
        status: "queued",
        createdAt: { lte: olderThan },
        ...(cursor ? { id: { gt: cursor } } : {}),
      },
      select: { id: true },
      orderBy: { id: "asc" },
      take: pageSize,
    });
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    const jobs = await Promise.all(page.map(({ id }) => outboundQueue.getJob(id)));
    for (const [index, job] of jobs.entries()) {
      const id = page[index]!.id;
      if (!job) {
        await enqueueOutbound(outboundQueue, id);
        await db.messageEvent.create({
          data: { messageId: id, type: "requeued", detail: { reason: "no job found in the queue" } },
        });
        requeued += 1;
      } else if (await job.isFailed()) {
        await markFailed(db, id, job.failedReason || "the job failed");
      }
    }
    if (page.length < pageSize) break;
  }
  if (requeued) deps.logger.warn({ requeued }, "outbox sweep queued messages that had no job");
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
            deps.logger.warn({ err: { message: error.message } }, "outbox sweep failed; will retry"),
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
