import { issueCertificate } from "@conduit/direct-transport";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { initConduit } from "../src/lifecycle.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { SmtpSink } from "./support/peers.js";
import { PrivatePostgres } from "./support/postgres-server.js";
import { createTenant } from "./support/tenant.js";
import { createTestEnv, deleteKeys, waitFor } from "./support/test-env.js";

/** Outages of what Conduit depends on: the SMTP peer and PostgreSQL. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function summaryFor(destinationId: string) {
  const payload = readFixtureJson<Record<string, unknown>>("redox/samples/clinicalsummary-patientpush.json");
  (payload.Meta as { Destinations: unknown }).Destinations = [{ ID: destinationId }];
  return payload;
}

describe("outages", () => {
  it("retries while the SMTP peer is down for 30 s, and everything arrives once it is back", async () => {
    const env = await createTestEnv({ SEND_BACKOFF_MS: "500", SEND_ATTEMPTS: "12", SWEEP_INTERVAL_MS: "500" });
    cleanups.push(() => env.cleanup());
    const ca = await issueCertificate({ commonName: "Peer CA", ca: true });
    const tls = await issueCertificate({ commonName: "localhost", ips: ["127.0.0.1"] }, ca);
    const sink = new SmtpSink();
    const port = await sink.start(tls, { auth: true });
    await sink.stop();
    const conduit = await initConduit(env.config, { api: true, worker: true, migrate: false });
    cleanups.push(() => conduit.close());
    const tenant = await createTenant(conduit.ctx.db, {
      adapter: "smtp-edge",
      settings: { host: "127.0.0.1", port, user: "u", tlsRejectUnauthorized: false },
    });
    await conduit.ctx.db.destination.update({
      where: { id: tenant.destinationId },
      data: { secretsEncrypted: conduit.ctx.secrets.seal(JSON.stringify({ password: "p" })) },
    });
    const api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
    await api.authenticate(tenant.apiKey, tenant.secret);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1)
      ids.push((await api.request("POST", "/endpoint", summaryFor(tenant.destinationId))).json.Meta.Logs[0].ID);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    expect(sink.messages).toHaveLength(0);
    const retried = await conduit.ctx.db.messageEvent.count({
      where: { messageId: { in: ids }, type: "retry_scheduled" },
    });
    expect(retried).toBeGreaterThanOrEqual(20);
    const back = new SmtpSink();
    await back.start(tls, { port, auth: true });
    cleanups.push(() => back.stop());
    await waitFor(
      async () =>
        (await conduit.ctx.db.message.count({ where: { id: { in: ids }, status: "sent" } })) === 20 ? true : undefined,
      90_000,
      "all 20 sent",
    );
    expect(back.messages.length).toBeGreaterThanOrEqual(20);
  }, 180_000);

  it("answers 503 while PostgreSQL is down (never 2xx for what it could not store) and resumes by itself", async () => {
    const postgres = new PrivatePostgres();
    await postgres.init();
    cleanups.push(() => postgres.destroy());
    await migrateDatabase(postgres.url);
    const env = await createTestEnv();
    cleanups.push(() => env.cleanup());
    const config = configSchema.parse({
      NODE_ENV: "test",
      PORT: "0",
      DATABASE_URL: postgres.url,
      QUEUE_PREFIX: `${env.config.QUEUE_PREFIX}-pg`,
      JWT_SECRET: env.config.JWT_SECRET,
      VAR_DIR: env.varDir,
      LOG_LEVEL: "silent",
      SWEEP_INTERVAL_MS: "300",
      SWEEP_GRACE_MS: "500",
    });
    cleanups.push(() => deleteKeys(config.REDIS_URL, `${config.QUEUE_PREFIX}:*`));
    const conduit = await initConduit(config, { api: true, worker: true, migrate: false });
    cleanups.push(() => conduit.close());
    const tenant = await createTenant(conduit.ctx.db);
    const api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
    await api.authenticate(tenant.apiKey, tenant.secret);
    expect((await api.request("POST", "/endpoint", summaryFor(tenant.destinationId))).status).toBe(200);

    await postgres.stop();
    const during = await api.request("POST", "/endpoint", summaryFor(tenant.destinationId));
    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toBeTruthy();
    const health = await api.request("GET", "/health");
    expect(health.status).toBe(503);
    expect(health.json.postgres).toBe("down");

    await postgres.start();
    await waitFor(
      async () => ((await api.request("GET", "/health")).status === 200 ? true : undefined),
      30_000,
      "health to recover",
    );
    const after = await api.request("POST", "/endpoint", summaryFor(tenant.destinationId));
    expect(after.status).toBe(200);
    const id = after.json.Meta.Logs[0].ID;
    await waitFor(
      async () => ((await api.request("GET", `/messages/${id}`)).json.status === "sent" ? true : undefined),
      30_000,
      "the message after recovery",
    );
    // Exactly the two messages answered 200 exist: the refused one was never stored.
    expect(await conduit.ctx.db.message.count()).toBe(2);
  }, 180_000);
});
