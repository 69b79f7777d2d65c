import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Config } from "../config.js";
import type { SecretBox } from "../crypto/secret-box.js";
import type { Database } from "../db/prisma.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { webhookBackoff, webhookBackoffType, webhookQueueName, type WebhookJobData } from "../queues/webhook-queue.js";
import { postWebhook } from "../webhooks/post-webhook.js";
import { deliveryBody } from "../webhooks/delivery-body.js";

export interface WebhookWorkerDeps {
  config: Config;
  db: Database;
  logger: Logger;
  secrets: SecretBox;
  /** Called once a delivery ends (delivered or dead), so the message's own status can follow. */
  onDeliveryFinished?: (messageId: string) => Promise<void>;
  metrics?: Metrics;
}

/**
 * Delivers one webhook POST. Idempotent: a delivery no longer pending is left alone. The receiver gets the same
 * idempotency id on every attempt, so at-least-once delivery can be made exactly-once on its side.
 */
export function webhookProcessor(deps: WebhookWorkerDeps) {
  return async (job: Job<WebhookJobData>): Promise<string> => {
    const { db } = deps;
    const delivery = await db.webhookDelivery.findUnique({
      where: { id: job.data.deliveryId },
      select: {
        id: true,
        status: true,
        messageId: true,
        attempts: true,
        windowStartedAt: true,
        createdAt: true,
        event: true,
        webhookDestination: {
          select: {
            id: true,
            url: true,
            disabledAt: true,
            verificationTokenEncrypted: true,
            hmacSecretEncrypted: true,
          },
        },
        subscription: { select: { disabledAt: true, format: true } },
        item: { select: { dataModel: true, payload: true } },
      },
    });
    if (!delivery || delivery.status !== "pending") return "nothing to do";
    const destination = delivery.webhookDestination;
    if (destination.disabledAt || delivery.subscription.disabledAt) {
      await finish(deps, delivery.id, delivery.messageId, "dead", {
        lastError: "the webhook destination or subscription is disabled",
      });
      throw new UnrecoverableError("disabled");
    }
    const body = deliveryBody(delivery);
    const outcome = await postWebhook(
      {
        url: destination.url,
        verificationToken: deps.secrets.open(destination.verificationTokenEncrypted),
        hmacSecret: destination.hmacSecretEncrypted ? deps.secrets.open(destination.hmacSecretEncrypted) : null,
      },
      body,
      {
        idempotencyKey: delivery.id,
        timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
        extraHeaders: { "x-conduit-delivery": delivery.id },
      },
    );
    const attempts = delivery.attempts + 1;
    deps.metrics?.webhooks.inc({ outcome: outcome.ok ? "delivered" : "failed" });
    if (outcome.ok) {
      await finish(deps, delivery.id, delivery.messageId, "delivered", {
        attempts,
        lastStatusCode: outcome.status,
        lastError: null,
        deliveredAt: new Date(),
      });
      return "delivered";
    }
    const windowStart = delivery.windowStartedAt ?? delivery.createdAt;
    if (Date.now() - windowStart.getTime() >= deps.config.WEBHOOK_RETRY_WINDOW_MS) {
      await finish(deps, delivery.id, delivery.messageId, "dead", {
        attempts,
        lastStatusCode: outcome.status ?? null,
        lastError: outcome.error,
      });
      deps.logger.warn(
        { deliveryId: delivery.id, webhookDestinationId: destination.id, attempts },
        "webhook delivery dead-lettered",
      );
      deps.metrics?.webhooks.inc({ outcome: "dead" });
      throw new UnrecoverableError(outcome.error);
    }
    await db.webhookDelivery.update({
      where: { id: delivery.id },
      data: { attempts, lastStatusCode: outcome.status ?? null, lastError: outcome.error },
    });
    throw new Error(outcome.error);
  };
}

async function finish(
  deps: WebhookWorkerDeps,
  deliveryId: string,
  messageId: string,
  status: "delivered" | "dead",
  data: { attempts?: number; lastStatusCode?: number | null; lastError?: string | null; deliveredAt?: Date },
) {
  const updated = await deps.db.webhookDelivery.updateMany({
    where: { id: deliveryId, status: "pending" },
    data: { status, ...data },
  });
  if (updated.count === 1) {
    await deps.db.messageEvent.createMany({
      data: {
        messageId,
        type: status === "delivered" ? "webhook_delivered" : "webhook_dead_lettered",
        detail: {
          deliveryId,
          attempts: data.attempts ?? null,
          statusCode: data.lastStatusCode ?? null,
          error: data.lastError ?? null,
        },
      },
    });
    await deps.onDeliveryFinished?.(messageId);
  }
}

export function startWebhookWorker(connection: Redis, deps: WebhookWorkerDeps): Worker<WebhookJobData> {
  const backoff = webhookBackoff(deps.config.WEBHOOK_BACKOFF_MS);
  const worker = new Worker<WebhookJobData>(webhookQueueName, webhookProcessor(deps), {
    connection: connection as unknown as ConnectionOptions,
    prefix: deps.config.QUEUE_PREFIX,
    lockDuration: deps.config.WORKER_LOCK_MS,
    stalledInterval: Math.max(1_000, Math.floor(deps.config.WORKER_LOCK_MS / 2)),
    // Many at once: one slow webhook holds one slot for at most WEBHOOK_TIMEOUT_MS, never the others.
    concurrency: deps.config.WEBHOOK_CONCURRENCY,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === webhookBackoffType ? backoff(attemptsMade) : 1_000,
    },
  });
  worker.on("error", (error) => deps.logger.error({ err: { message: error.message } }, "webhook worker error"));
  return worker;
}
