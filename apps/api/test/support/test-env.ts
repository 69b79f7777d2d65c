import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { configSchema, type Config } from "../../src/config.js";
import { dropDatabase } from "../../src/db/create-database.js";

export interface TestEnv {
  config: Config;
  databaseUrl: string;
  varDir: string;
  cleanup(): Promise<void>;
}

/**
 * A database cloned from the run's migrated template, a queue prefix and a var/ folder of this test file's own.
 * cleanup() drops the database, deletes the queue's keys and removes the folder.
 */
export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const template = new URL(inject("templateDatabaseUrl"));
  const templateName = template.pathname.slice(1);
  const name = `conduit_test_${randomBytes(6).toString("hex")}`;
  const admin = new URL(template);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  } finally {
    await client.end();
  }
  const databaseUrl = new URL(template);
  databaseUrl.pathname = `/${name}`;
  const varDir = await mkdtemp(path.join(os.tmpdir(), "conduit-test-"));
  const prefix = `conduit-test-${randomBytes(6).toString("hex")}`;
  const config = configSchema.parse({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString("hex"),
    VAR_DIR: varDir,
    LOG_LEVEL: "silent",
    SEND_BACKOFF_MS: "50",
    SWEEP_INTERVAL_MS: "200",
    SWEEP_GRACE_MS: "0",
    ...overrides,
  });
  return {
    config,
    databaseUrl: databaseUrl.toString(),
    varDir,
    async cleanup() {
      await dropDatabase(databaseUrl.toString());
      await deleteKeys(config.REDIS_URL, `${prefix}:*`);
      await rm(varDir, { recursive: true, force: true });
    },
  };
}

export async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
}

/** Polls until check() returns a value (not undefined), or fails after timeoutMs. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
