import { Queue, type ConnectionOptions } from "bullmq";
import type { Redis } from "ioredis";

/** POSTs owed to customers' webhooks. Job id = delivery id. */
export const webhookQueueName = "webhooks";

export interface WebhookJobData {
  readonly deliveryId: string;
}

export type WebhookQueue = Queue<WebhookJobData>;

/**
 * Retries are unbounded in count and bounded in time (WEBHOOK_RETRY_WINDOW_MS from the first attempt): the processor
 * dead-letters a delivery once its window is over. The delay doubles from WEBHOOK_BACKOFF_MS up to an hour.
 */
export const webhookBackoffType = "webhook";

export function webhookBackoff(baseMs: number) {
  return (attemptsMade: number) => Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), 3_600_000);
}

export function createWebhookQueue(connection: Redis, prefix: string): WebhookQueue {
  return new Queue<WebhookJobData>(webhookQueueName, {
    connection: connection as unknown as ConnectionOptions,
    prefix,
    defaultJobOptions: {
      attempts: 10_000,
      backoff: { type: webhookBackoffType },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

export async function enqueueWebhookDelivery(queue: WebhookQueue, deliveryId: string): Promise<void> {
  await queue.add("deliver", { deliveryId }, { jobId: deliveryId });
}
