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
    const delivery = await loadDelivery(db, job.data.deliveryId);
    if (!delivery || delivery.status !== "pending") return "nothing to do";
    const destination = delivery.webhookDestination;
    if (destination.disabled || delivery.subscription.disabled) {
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

interface DeliveryToSend {
  id: string;
  status: string;
  messageId: string;
  attempts: number;
  windowStartedAt: Date;
  createdAt: Date;
  event: unknown;
  webhookDestination: {
    id: string;
    url: string;
    disabled: boolean;
    verificationTokenEncrypted: string;
    hmacSecretEncrypted: string | null;
  };
  subscription: { disabled: boolean; format: string };
  item: { dataModel: string; payload: unknown } | null;
}

/** A delivery with its destination, subscription and item: one query (Prisma made four). */
async function loadDelivery(db: Database, deliveryId: string): Promise<DeliveryToSend | undefined> {
  // Times as text in UTC (how they are stored), so that no driver or session time zone gets in between.
  const utc = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
  const [row] = await db.$queryRaw<
    {
      id: string;
      status: string;
      message_id: string;
      attempts: number;
      window_started_at: string;
      created_at: string;
      event: unknown;
      destination_id: string;
      url: string;
      destination_disabled: boolean;
      verification_token_encrypted: string;
      hmac_secret_encrypted: string | null;
      subscription_disabled: boolean;
      format: string;
      item_data_model: string | null;
      item_payload: unknown;
    }[]
  >`
    SELECT d.id::text, d.status::text, d.message_id::text, d.attempts,
      to_char(d.window_started_at, ${utc}) AS window_started_at, to_char(d.created_at, ${utc}) AS created_at, d.event,
      w.id::text AS destination_id, w.url, w.disabled_at IS NOT NULL AS destination_disabled,
      w.verification_token_encrypted, w.hmac_secret_encrypted,
      s.disabled_at IS NOT NULL AS subscription_disabled, s.format,
      i.data_model AS item_data_model, i.payload AS item_payload
    FROM webhook_deliveries d
    JOIN webhook_destinations w ON w.id = d.webhook_destination_id
    JOIN webhook_subscriptions s ON s.id = d.subscription_id
    LEFT JOIN inbound_items i ON i.id = d.item_id
    WHERE d.id = ${deliveryId}::uuid`;
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    messageId: row.message_id,
    attempts: Number(row.attempts),
    windowStartedAt: new Date(row.window_started_at),
    createdAt: new Date(row.created_at),
    event: row.event,
    webhookDestination: {
      id: row.destination_id,
      url: row.url,
      disabled: row.destination_disabled,
      verificationTokenEncrypted: row.verification_token_encrypted,
      hmacSecretEncrypted: row.hmac_secret_encrypted,
    },
    subscription: { disabled: row.subscription_disabled, format: row.format },
    item: row.item_data_model === null ? null : { dataModel: row.item_data_model, payload: row.item_payload },
  };
}

/**
 * Ends a pending delivery (delivered or dead) and records it on the message's timeline, in one statement; then lets
 * the message's status follow. A delivery no longer pending is left alone.
 */
async function finish(
  deps: WebhookWorkerDeps,
  deliveryId: string,
  messageId: string,
  status: "delivered" | "dead",
  data: { attempts?: number; lastStatusCode?: number | null; lastError?: string | null; deliveredAt?: Date },
) {
  // Timestamps as Prisma writes them: UTC in columns without a time zone, whatever the session's time zone is.
  const input = JSON.stringify({
    at: new Date().toISOString(),
    ...data,
    detail: {
      deliveryId,
      attempts: data.attempts ?? null,
      statusCode: data.lastStatusCode ?? null,
      error: data.lastError ?? null,
    },
  });
  const recorded = await deps.db.$executeRaw`
    WITH input AS (SELECT ${input}::jsonb AS j),
    updated AS (
      UPDATE webhook_deliveries SET
        status = ${status}::"WebhookDeliveryStatus",
        attempts = CASE WHEN jsonb_exists(j, 'attempts') THEN (j->>'attempts')::integer ELSE attempts END,
        last_status_code =
          CASE WHEN jsonb_exists(j, 'lastStatusCode') THEN (j->>'lastStatusCode')::integer ELSE last_status_code END,
        last_error = CASE WHEN jsonb_exists(j, 'lastError') THEN j->>'lastError' ELSE last_error END,
        delivered_at =
          CASE WHEN jsonb_exists(j, 'deliveredAt') THEN (j->>'deliveredAt')::timestamp(3) ELSE delivered_at END,
        updated_at = (j->>'at')::timestamp(3)
      FROM input
      WHERE id = ${deliveryId}::uuid AND status = 'pending'
      RETURNING message_id
    )
    INSERT INTO message_events (message_id, type, detail, created_at)
    SELECT updated.message_id, ${status === "delivered" ? "webhook_delivered" : "webhook_dead_lettered"},
      j->'detail', (j->>'at')::timestamp(3)
    FROM updated, input`;
  if (recorded === 1) await deps.onDeliveryFinished?.(messageId);
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
