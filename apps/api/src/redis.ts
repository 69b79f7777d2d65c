import { Redis } from "ioredis";
import { withTimeout } from "./db/prisma.js";

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers require: commands wait for a
 * reconnect instead of failing, so a Redis restart pauses work rather than losing it.
 */
export function createRedis(url: string, options: { forQueueProducer?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: options.forQueueProducer ? 1 : null,
    enableOfflineQueue: !options.forQueueProducer,
    lazyConnect: false,
  });
}

export async function isRedisUp(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
  return withTimeout(redis.ping(), timeoutMs).then(
    (reply) => reply === "PONG",
    () => false,
  );
}
