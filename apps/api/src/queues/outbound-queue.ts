import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";

/** The queue of outbound Direct messages. Job id = message id, so adding a message twice is harmless. */
export const outboundQueueName = "outbound";

export interface OutboundJobData {
  readonly messageId: string;
}

export type OutboundQueue = Queue<OutboundJobData>;

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export function outboundJobOptions(policy: RetryPolicy): JobsOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: "exponential", delay: policy.backoffMs },
    // Finished jobs are kept a while so the sweep can tell "done" from "never queued"; the database is the record.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export function createOutboundQueue(connection: Redis, prefix: string, policy: RetryPolicy): OutboundQueue {
  return new Queue<OutboundJobData>(outboundQueueName, {
    connection: connection as unknown as ConnectionOptions,
    prefix,
    defaultJobOptions: outboundJobOptions(policy),
  });
}

export async function enqueueOutbound(queue: OutboundQueue, messageId: string): Promise<void> {
  await queue.add("send", { messageId }, { jobId: messageId });
}
