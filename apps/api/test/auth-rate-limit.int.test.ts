import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
/** Two API replicas on one database and one Redis. */
let first: Conduit;
let second: Conduit;
let tenant: TestTenant;

beforeAll(async () => {
  env = await createTestEnv({ RATE_LIMIT_REQUESTS: "6", RATE_LIMIT_WINDOW_SECONDS: "300", MAX_BODY_BYTES: "20000000" });
  first = await initConduit(env.config, { api: true, worker: false, migrate: false });
  second = await initConduit(env.config, { api: true, worker: false, migrate: false });
  tenant = await createTenant(first.ctx.db);
});

afterAll(async () => {
  await second?.close();
  await first?.close();
  await env?.cleanup();
});

async function signedIn(conduit: Conduit, who: TestTenant = tenant): Promise<ApiClient> {
  const client = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  await client.authenticate(who.apiKey, who.secret);
  return client;
}

/**
 * Windows are fixed (aligned to the epoch): a test whose requests straddled a window's end would see the count start
 * again. Start only with at least 15 s of the current window left.
 */
async function awayFromWindowEdge(windowSeconds = 300, marginMs = 15_000): Promise<void> {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe("per-source rate limit", () => {
  it("counts a source's requests across API replicas and answers 429 with Retry-After past the limit", async () => {
    await awayFromWindowEdge();
    const one = await signedIn(first);
    const two = await signedIn(second);
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++) {
      const client = index % 2 ? two : one;
      statuses.push((await client.request("GET", `/messages/${randomUUID()}`)).status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);
    for (const client of [one, two]) {
      const limited = await client.request("GET", `/messages/${randomUUID()}`);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(300);
      expect(limited.json.Meta.Errors[0].Text).toMatch(/more than 6 requests in 300 seconds from this source/);
    }
    // Another source has its own count.
    const other = await createTenant(first.ctx.db);
    expect((await (await signedIn(first, other)).request("GET", `/messages/${randomUUID()}`)).status).toBe(404);
  });

  it("uses a source's own limit when it has one", async () => {
    await awayFromWindowEdge();
    const generous = await createTenant(first.ctx.db);
    await first.ctx.db.source.update({ where: { id: generous.sourceId }, data: { rateLimit: 10 } });
    const client = await signedIn(first, generous);
    const statuses: number[] = [];
    for (let index = 0; index < 11; index++)
      statuses.push((await client.request("GET", `/messages/${randomUUID()}`)).status);
    expect(statuses.slice(0, 10).every((status) => status === 404)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe("request size", () => {
  it("answers 413 for a Media file over 10 MB, naming Media.FileContents", async () => {
    const sender = await createTenant(first.ctx.db);
    const client = await signedIn(first, sender);
    const payload = readFixtureJson<any>("redox/samples/media-new.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.Meta.Destinations = [{ ID: sender.destinationId }];
    payload.Media.DirectAddressTo = "records@direct.receiver.example";
    payload.Media.FileContents = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41).toString("base64");
    const response = await client.request("POST", "/endpoint", payload);
    expect(response.status).toBe(413);
    expect(response.json.Meta.Errors[0].Text).toBe("Media.FileContents: the file is larger than 10 MB");
  });

  it("answers 413 for a body over MAX_BODY_BYTES", async () => {
    const sender = await createTenant(first.ctx.db);
    const client = await signedIn(first, sender);
    const response = await client.request("POST", "/endpoint", JSON.stringify({ padding: "x".repeat(20_000_001) }));
    expect(response.status).toBe(413);
  });
});
