import { Queue, type ConnectionOptions } from "bullmq";
import type { Redis } from "ioredis";

/** Inbound Direct messages stored raw, waiting to be opened and turned into data models. Job id = message id. */
export const inboundQueueName = "inbound";

export interface InboundJobData {
  readonly messageId: string;
}

export type InboundQueue = Queue<InboundJobData>;

export function createInboundQueue(connection: Redis, prefix: string): InboundQueue {
  return new Queue<InboundJobData>(inboundQueueName, {
    connection: connection as unknown as ConnectionOptions,
    prefix,
    defaultJobOptions: {
      // Opening is deterministic; retries are for the database or Redis failing under it.
      attempts: 5,
      backoff: { type: "exponential", delay: 2_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

export async function enqueueInbound(queue: InboundQueue, messageId: string): Promise<void> {
  await queue.add("open", { messageId }, { jobId: messageId });
}
