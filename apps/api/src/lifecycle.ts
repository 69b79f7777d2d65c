import type { Server } from "node:http";
import type { Worker } from "bullmq";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { migrateDatabase } from "./db/migrate.js";
import { createDatabase } from "./db/prisma.js";
import { SecretBox } from "./crypto/secret-box.js";
import { resolveSecrets } from "./dev/dev-secrets.js";
import { TransportRegistry } from "./hisp/transport-registry.js";
import { createLogger, type Logger } from "./logger.js";
import { createOutboundQueue } from "./queues/outbound-queue.js";
import { createRedis } from "./redis.js";
import { startOutboundWorker } from "./workers/outbound-worker.js";
import { startOutboxSweep } from "./workers/outbox-sweep.js";

export interface Roles {
  api: boolean;
  worker: boolean;
  /** Apply pending migrations (and create the database) before anything else. */
  migrate: boolean;
}

export interface Conduit {
  ctx: AppContext;
  /** The listening HTTP server, when the api role runs. */
  server?: Server;
  /** The port the API listens on (useful with PORT=0). */
  port?: number;
  worker?: Worker;
  close(): Promise<void>;
}

/**
 * Opens everything Conduit needs, in order, and returns one close() that shuts it down in reverse. The start commands
 * and the tests boot through this same function.
 */
export interface InitOptions {
  logger?: Logger;
  /** The adapters the worker may use; defaults to the built-in ones. */
  transports?: TransportRegistry;
}

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
    const db = createDatabase(config.DATABASE_URL);
    closers.push(() => db.$disconnect());
    const redis = createRedis(config.REDIS_URL);
    closers.push(() => redis.quit());
    const outboundQueue = createOutboundQueue(redis, config.QUEUE_PREFIX, {
      attempts: config.SEND_ATTEMPTS,
      backoffMs: config.SEND_BACKOFF_MS,
    });
    closers.push(() => outboundQueue.close());
    const { jwtSecret, secretsKey } = await resolveSecrets(config);
    const ctx: AppContext = { config, db, redis, logger, outboundQueue, jwtSecret, secrets: new SecretBox(secretsKey) };
    const conduit: Conduit = { ctx, close };

    if (roles.worker) {
      const workerRedis = createRedis(config.REDIS_URL);
      closers.push(() => workerRedis.quit());
      const transports = options.transports ?? new TransportRegistry(config);
      closers.push(() => transports.close());
      const worker = startOutboundWorker(workerRedis, { config, db, logger, transports });
      closers.push(() => worker.close());
      const sweep = startOutboxSweep({ config, db, logger, outboundQueue });
      closers.push(() => sweep.stop());
      conduit.worker = worker;
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
