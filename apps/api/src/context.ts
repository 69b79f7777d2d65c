import type { Redis } from "ioredis";
import type { Config } from "./config.js";
import type { SecretBox } from "./crypto/secret-box.js";
import type { Database } from "./db/prisma.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import type { InboundQueue } from "./queues/inbound-queue.js";
import type { OutboundQueue } from "./queues/outbound-queue.js";
import type { WebhookQueue } from "./queues/webhook-queue.js";

/** What routes and workers are given: the resources the lifecycle opened, nothing global. */
export interface AppContext {
  config: Config;
  db: Database;
  redis: Redis;
  logger: Logger;
  outboundQueue: OutboundQueue;
  inboundQueue: InboundQueue;
  webhookQueue: WebhookQueue;
  jwtSecret: string;
  /** Seals and opens secrets stored in the database. */
  secrets: SecretBox;
  metrics: Metrics;
}
