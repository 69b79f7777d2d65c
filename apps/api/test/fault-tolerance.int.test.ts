import { issueCertificate } from "@conduit/direct-transport";
import { simpleParser } from "mailparser";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { outboundQueueName } from "../src/queues/outbound-queue.js";
import { postBurst, spawnWorker, stopProcess } from "./support/burst.js";
import { ApiClient } from "./support/http.js";
import { SmtpSink } from "./support/peers.js";
import { PrivateRedis } from "./support/redis-server.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

/**
 * Nothing accepted is lost: the worker killed mid-burst, Redis restarted empty, a worker asked to stop. Each test sends
 * real messages through the smtp-edge adapter to a real SMTP server and counts what arrives there.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const fastRecovery = {
  SWEEP_INTERVAL_MS: "300",
  SWEEP_GRACE_MS: "1000",
  SEND_BACKOFF_MS: "100",
  WORKER_LOCK_MS: "3000",
  WORKER_CONCURRENCY: "20",
};

async function stack(overrides: Record<string, string>, roles: { worker: boolean }) {
  const env: TestEnv = await createTestEnv({ ...fastRecovery, ...overrides });
  cleanups.push(() => env.cleanup());
  const sink = new SmtpSink();
  const ca = await issueCertificate({ commonName: "Sink CA", ca: true });
  const port = await sink.start(await issueCertificate({ commonName: "localhost", ips: ["127.0.0.1"] }, ca), {
    auth: true,
  });
  cleanups.push(() => sink.stop());
  const conduit: Conduit = await initConduit(env.config, { api: true, worker: roles.worker, migrate: false });
  cleanups.push(() => conduit.close());
  const tenant: TestTenant = await createTenant(conduit.ctx.db, {
    adapter: "smtp-edge",
    settings: { host: "127.0.0.1", port, user: "conduit", tlsRejectUnauthorized: false },
  });
  await conduit.ctx.db.destination.update({
    where: { id: tenant.destinationId },
    data: { secretsEncrypted: conduit.ctx.secrets.seal(JSON.stringify({ password: "edge-password" })) },
  });
  const api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  await api.authenticate(tenant.apiKey, tenant.secret);
  return { env, sink, conduit, tenant, api };
}

/** The Message-IDs the sink received, and how many messages in all. */
async function arrived(sink: SmtpSink): Promise<{ ids: Set<string>; total: number }> {
  const ids = new Set<string>();
  for (const mail of sink.messages) {
    const parsed = await simpleParser(mail.raw, { skipHtmlToText: true, skipTextToHtml: true });
    if (parsed.messageId) ids.add(parsed.messageId);
  }
  return { ids, total: sink.messages.length };
}

async function expectEveryAcceptedArrives(conduit: Conduit, sink: SmtpSink, accepted: string[], timeoutMs = 300_000) {
  const rows = await conduit.ctx.db.message.findMany({
    where: { id: { in: accepted } },
    select: { rfcMessageId: true },
  });
  expect(rows).toHaveLength(accepted.length);
  const expected = new Set(rows.map((row) => row.rfcMessageId));
  await waitFor(
    async () => (sink.messages.length >= expected.size ? true : undefined),
    timeoutMs,
    `${expected.size} messages at the sink`,
  );
  const result = await waitFor(
    async () => {
      const seen = await arrived(sink);
      return [...expected].every((id) => seen.ids.has(id)) ? seen : undefined;
    },
    timeoutMs,
    "every accepted message at the sink",
  );
  // Anything more than one copy each is a retry of a message in flight, under its same Message-ID.
  expect([...result.ids].filter((id) => !expected.has(id))).toEqual([]);
  return result;
}

describe("fault tolerance", () => {
  it("loses nothing when the worker is killed with SIGKILL in the middle of a 1,000-message burst", async () => {
    const { env, sink, conduit, tenant, api } = await stack({}, { worker: false });
    let worker = spawnWorker(env.config);
    cleanups.push(() => stopProcess(worker, "SIGKILL"));
    let killed = false;
    let atKill = 0;
    const killOnceHundredArrived = async () => {
      if (!killed && sink.messages.length >= 100) {
        killed = true;
        atKill = sink.messages.length;
        await stopProcess(worker, "SIGKILL");
        worker = spawnWorker(env.config);
      }
    };
    const accepted = await postBurst(api, tenant.destinationId, 1000, killOnceHundredArrived);
    // The API can accept the whole burst before the worker, still starting, has sent 100: the kill then comes while
    // the burst is being delivered.
    await waitFor(
      async () => {
        await killOnceHundredArrived();
        return killed ? true : undefined;
      },
      240_000,
      "100 messages at the sink",
    );
    expect(atKill).toBeLessThan(1000);
    expect(accepted).toHaveLength(1000);
    const result = await expectEveryAcceptedArrives(conduit, sink, accepted);
    expect(result.ids.size).toBe(1000);
    await waitFor(
      async () =>
        (await conduit.ctx.db.message.count({ where: { id: { in: accepted }, status: "sent" } })) === 1000
          ? true
          : undefined,
      60_000,
      "all sent",
    );
  }, 480_000);

  it("loses nothing when Redis restarts empty in the middle of a burst (the sweep queues from PostgreSQL)", async () => {
    const redis = new PrivateRedis();
    await redis.start();
    cleanups.push(() => redis.kill());
    const { sink, conduit, tenant, api } = await stack({ REDIS_URL: redis.url }, { worker: true });
    let restarted = false;
    const accepted = await postBurst(api, tenant.destinationId, 300, async (done) => {
      if (!restarted && done >= 100) {
        restarted = true;
        await redis.kill();
        await redis.start();
      }
    });
    expect(restarted).toBe(true);
    // Every request was answered 2xx: with Redis gone the message is still stored, and the sweep queues it later.
    expect(accepted).toHaveLength(300);
    const result = await expectEveryAcceptedArrives(conduit, sink, accepted);
    expect(result.ids.size).toBe(300);
  }, 480_000);

  it("on SIGTERM the worker finishes or releases its jobs and exits cleanly; nothing is left active", async () => {
    const { env, sink, conduit, tenant, api } = await stack({}, { worker: false });
    const worker = spawnWorker(env.config);
    cleanups.push(() => stopProcess(worker, "SIGKILL"));
    const accepted = await postBurst(api, tenant.destinationId, 200);
    await waitFor(async () => (sink.messages.length >= 20 ? true : undefined), 60_000, "the worker to get going");
    const code = await stopProcess(worker, "SIGTERM");
    expect(code).toBe(0);
    const queue = new Queue(outboundQueueName, {
      connection: new Redis(env.config.REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: env.config.QUEUE_PREFIX,
    });
    cleanups.push(() => queue.close());
    expect(await queue.getActiveCount()).toBe(0);
    const second = spawnWorker(env.config as Config);
    cleanups.push(() => stopProcess(second, "SIGKILL"));
    await expectEveryAcceptedArrives(conduit, sink, accepted);
  }, 480_000);
});
