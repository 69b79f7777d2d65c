import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { Worker } from "bullmq";
import { startSmtpListener, type SmtpListener } from "@conduit/direct-transport";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { SecretBox } from "./crypto/secret-box.js";
import { migrateDatabase } from "./db/migrate.js";
import { createDatabase } from "./db/prisma.js";
import { loadOrCreateDevPki } from "./dev/dev-pki.js";
import { resolveSecrets } from "./dev/dev-secrets.js";
import { registerSmtpAdapters } from "./hisp/smtp-adapters.js";
import { TransportRegistry } from "./hisp/transport-registry.js";
import { completeInboundMessage } from "./inbound/inbound-completion.js";
import { extractionTools } from "./inbound/extraction-tools.js";
import { localDomains, organizationForAddress } from "./inbound/local-addresses.js";
import { storeInbound } from "./inbound/store-inbound.js";
import { createLogger, type Logger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { createInboundQueue } from "./queues/inbound-queue.js";
import { createOutboundQueue } from "./queues/outbound-queue.js";
import { createWebhookQueue } from "./queues/webhook-queue.js";
import { emitStatusEvents } from "./notifications/status-events.js";
import { createRedis } from "./redis.js";
import { startInboundWorker } from "./workers/inbound-worker.js";
import { startOutboundWorker } from "./workers/outbound-worker.js";
import { startOutboxSweep } from "./workers/outbox-sweep.js";
import { startWebhookWorker } from "./workers/webhook-worker.js";

export interface Roles {
  api: boolean;
  /** The outbound, inbound and webhook workers and the sweeps. */
  worker: boolean;
  /** The inbound SMTP listener. */
  inbound?: boolean;
  /** Apply pending migrations (and create the database) before anything else. */
  migrate: boolean;
}

export interface Conduit {
  ctx: AppContext;
  /** The listening HTTP server, when the api role runs. */
  server?: Server;
  /** The port the API listens on (useful with PORT=0). */
  port?: number;
  /** The inbound SMTP listener, when the inbound role runs. */
  smtp?: SmtpListener;
  workers: Worker[];
  close(): Promise<void>;
}

export interface InitOptions {
  logger?: Logger;
  /** The adapters the worker may use; defaults to file, smtp and smtp-edge. */
  transports?: TransportRegistry;
}

async function listenerTls(config: Config): Promise<{ key: string; cert: string }> {
  if (config.INBOUND_TLS_CERT_FILE && config.INBOUND_TLS_KEY_FILE) {
    return {
      cert: await readFile(config.INBOUND_TLS_CERT_FILE, "utf8"),
      key: await readFile(config.INBOUND_TLS_KEY_FILE, "utf8"),
    };
  }
  if (config.NODE_ENV === "production")
    throw new Error("INBOUND_TLS_CERT_FILE and INBOUND_TLS_KEY_FILE are required in production");
  return (await loadOrCreateDevPki(config.VAR_DIR, config.DEV_DIRECT_DOMAIN)).tls;
}

/**
 * Opens everything Conduit needs, in order, and returns one close() that shuts it down in reverse. The start commands
 * and the tests boot through this same function.
 */
export async function initConduit(config: Config, roles: Roles, options: InitOptions = {}): Promise<Conduit> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    if (roles.migrate) {
      const { created, applied } = await migrateDatabase(config.DATABASE_URL);
      if (created) logger.info("database created");
      if (applied.length) logger.info({ applied }, "migrations applied");
    }
    const db = createDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
    closers.push(() => db.$disconnect());
    const redis = createRedis(config.REDIS_URL);
    closers.push(() => redis.quit());
    const outboundQueue = createOutboundQueue(redis, config.QUEUE_PREFIX, {
      attempts: config.SEND_ATTEMPTS,
      backoffMs: config.SEND_BACKOFF_MS,
    });
    closers.push(() => outboundQueue.close());
    const inboundQueue = createInboundQueue(redis, config.QUEUE_PREFIX);
    closers.push(() => inboundQueue.close());
    const webhookQueue = createWebhookQueue(redis, config.QUEUE_PREFIX);
    closers.push(() => webhookQueue.close());
    const { jwtSecret, secretsKey } = await resolveSecrets(config);
    const secrets = new SecretBox(secretsKey);
    const ctx: AppContext = {
      config,
      db,
      redis,
      logger,
      outboundQueue,
      inboundQueue,
      webhookQueue,
      jwtSecret,
      secrets,
      metrics: new Metrics([outboundQueue, inboundQueue, webhookQueue]),
    };
    const { metrics } = ctx;
    const conduit: Conduit = { ctx, close, workers: [] };

    if (roles.worker) {
      const workerRedis = createRedis(config.REDIS_URL);
      closers.push(() => workerRedis.quit());
      const transports = options.transports ?? registerSmtpAdapters(new TransportRegistry(config), db, secrets);
      closers.push(() => transports.close());
      const onStatusChange = async (messageId: string) => {
        await emitStatusEvents({ db, logger, webhookQueue }, messageId).catch((error: Error) =>
          logger.warn(
            { messageId, err: { message: error.message } },
            "status events not created; the next change retries",
          ),
        );
      };
      const outbound = startOutboundWorker(workerRedis, {
        config,
        db,
        logger,
        secrets,
        transports,
        onStatusChange,
        metrics,
      });
      const inbound = startInboundWorker(workerRedis, {
        config,
        db,
        logger,
        secrets,
        webhookQueue,
        outboundQueue,
        tools: extractionTools,
        onOutboundStatusChange: onStatusChange,
        metrics,
      });
      const webhooks = startWebhookWorker(workerRedis, {
        config,
        db,
        logger,
        secrets,
        metrics,
        onDeliveryFinished: (messageId) => completeInboundMessage({ db, logger, outboundQueue }, messageId),
      });
      conduit.workers.push(outbound, inbound, webhooks);
      // Closed before the sweep stops and before Redis quits: close() lets jobs in flight finish.
      closers.push(() => Promise.all(conduit.workers.map((worker) => worker.close())));
      const sweep = startOutboxSweep({
        config,
        db,
        logger,
        outboundQueue,
        inboundQueue,
        webhookQueue,
        onOutboundStatusChange: onStatusChange,
      });
      closers.push(() => sweep.stop());
    }

    if (roles.inbound) {
      const listener = await startSmtpListener({
        host: config.INBOUND_SMTP_HOST,
        port: config.INBOUND_SMTP_PORT,
        localDomains: [],
        isLocalDomain: async (domain) => (await localDomains(db)).includes(domain),
        acceptRecipient: async (address) => !!(await organizationForAddress(db, address)),
        tls: await listenerTls(config),
        requireTls: config.INBOUND_REQUIRE_TLS,
        maxSize: config.INBOUND_MAX_BYTES,
        store: async (raw, envelope) => {
          await storeInbound({ db, logger, inboundQueue }, raw, envelope);
        },
        onError: (error) => logger.warn({ err: { message: error.message } }, "inbound SMTP error"),
      });
      closers.push(() => listener.close());
      conduit.smtp = listener;
    }

    if (roles.api) {
      const app = createApp(ctx);
      const server = await new Promise<Server>((resolve, reject) => {
        const listening = app.listen(config.PORT, config.HOST, (error?: Error) =>
          error ? reject(error) : resolve(listening),
        );
      });
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      conduit.server = server;
      const address = server.address();
      conduit.port = typeof address === "object" && address ? address.port : config.PORT;
    }
    return conduit;
  } catch (error) {
    await close();
    throw error;
  }
}
