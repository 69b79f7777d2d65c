import fc from "fast-check";
import type { Job } from "bullmq";
import { issueCertificate } from "@conduit/direct-transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractionTools } from "../src/inbound/extraction-tools.js";
import { storeInbound } from "../src/inbound/store-inbound.js";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import type { InboundJobData } from "../src/queues/inbound-queue.js";
import { inboundProcessor } from "../src/workers/inbound-worker.js";
import { certificateRow } from "./support/certificates.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { pemFiles, sealWithOpenssl } from "./support/openssl.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

/**
 * Malformed input, generated: 10,000 request bodies at the API and 2,000 inbound messages at the pipeline. Each must
 * end as a 4xx or a recorded rejection; nothing may answer 5xx, throw out of the pipeline, or be left half-done.
 */
let env: TestEnv;
let conduit: Conduit;
let tenant: TestTenant;
let api: ApiClient;

beforeAll(async () => {
  env = await createTestEnv({ MAX_BODY_BYTES: "200000" });
  // The API only: the fuzzed messages are stored but never sent.
  conduit = await initConduit(env.config, { api: true, worker: false, migrate: false });
  tenant = await createTenant(conduit.ctx.db);
  api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  await api.authenticate(tenant.apiKey, tenant.secret);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

/** Sets a value at a random path of a JSON tree. */
function mutate(tree: unknown, pathChoices: number[], value: unknown): unknown {
  if (pathChoices.length === 0 || tree === null || typeof tree !== "object") return value;
  const keys = Object.keys(tree as object);
  if (keys.length === 0) return value;
  const key = keys[pathChoices[0]! % keys.length]!;
  const copy = (Array.isArray(tree) ? [...tree] : { ...(tree as object) }) as Record<string, unknown>;
  copy[key] = mutate(copy[key], pathChoices.slice(1), value);
  return copy;
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe("fuzzing", () => {
  it("answers 10,000 malformed bodies with 4xx (or 200 for a mutation that stays valid), never 5xx", async () => {
    const sample = readFixtureJson<Record<string, unknown>>("redox/samples/clinicalsummary-patientpush.json");
    (sample.Meta as { Destinations: unknown }).Destinations = [{ ID: tenant.destinationId }];
    const bodies = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }).map((text) => ({ body: text, mayPass: false })),
        fc.json({ maxDepth: 4 }).map((json) => ({ body: json, mayPass: false })),
        fc
          .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }))
          .map(([path, value]) => ({ body: JSON.stringify(mutate(sample, path, value)), mayPass: true })),
        fc
          .string({ minLength: 1, maxLength: 50 })
          .map((text) => ({ body: JSON.stringify(sample).slice(0, 500) + text, mayPass: false })),
      ),
      { numRuns: 10_000, seed: 20261124 },
    );
    const statuses = new Map<number, number>();
    const unexpected: { status: number; body: string }[] = [];
    await inParallel(bodies, 8, async ({ body, mayPass }) => {
      const response = await api.request("POST", "/endpoint", body);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const ok = response.status >= 400 && response.status < 500 ? true : mayPass && response.status === 200;
      if (!ok && unexpected.length < 5) unexpected.push({ status: response.status, body: body.slice(0, 200) });
    });
    expect(unexpected).toEqual([]);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect((await api.request("GET", "/health")).status).toBe(200);
  }, 600_000);

  it("records a rejection for each of 2,000 malformed inbound messages and leaves none half-done", async () => {
    const { db, secrets } = conduit.ctx;
    const domain = "direct.fuzz.test";
    await db.directAddress.create({ data: { orgId: tenant.orgId, address: `@${domain}`, kind: "organization" } });
    const ca = await issueCertificate({ commonName: "Fuzz CA", ca: true });
    const own = await issueCertificate({ commonName: domain, dnsNames: [domain] }, ca);
    const sender = await issueCertificate({ commonName: "sender@peer.test", emails: ["sender@peer.test"] }, ca);
    await db.certificate.createMany({
      data: [
        certificateRow(tenant.orgId, own, "own", domain, secrets),
        certificateRow(tenant.orgId, ca, "anchor", domain, secrets),
      ],
    });
    const original = Buffer.from(
      "From: sender@peer.test\r\nTo: intake@direct.fuzz.test\r\nSubject: x\r\nMessage-ID: <seed@peer.test>\r\n\r\nhello\r\n",
    );
    const sealed = await sealWithOpenssl(original, pemFiles(sender, "sender"), pemFiles(own, "own").cert, {
      from: "sender@peer.test",
      to: `intake@${domain}`,
    });
    const messages = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
          const copy = Buffer.from(sealed);
          for (const [at, xor] of flips) copy[at % copy.length]! ^= xor;
          return copy;
        }),
        fc.nat().map((cut) => sealed.subarray(0, cut % sealed.length)),
        fc
          .string({ maxLength: 300 })
          .map((text) =>
            Buffer.from(
              `Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\n${text}`,
            ),
          ),
      ),
      { numRuns: 2_000, seed: 1124 },
    );
    const process = inboundProcessor({ ...conduit.ctx, tools: extractionTools });
    const ids: string[] = [];
    const thrown: string[] = [];
    await inParallel(messages, 4, async (raw) => {
      const stored = await storeInbound(conduit.ctx, raw, {
        from: "sender@peer.test",
        to: [`intake@${domain}`],
        remoteAddress: "127.0.0.1",
        clientHostname: "fuzz",
        secure: true,
        receivedAt: new Date(),
      });
      for (const id of stored) {
        ids.push(id);
        await process({ data: { messageId: id } } as Job<InboundJobData>).catch((error: Error) =>
          thrown.push(error.message),
        );
      }
    });
    expect(thrown).toEqual([]);
    const outcomes = await db.message.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: { _all: true } });
    const byStatus = Object.fromEntries(outcomes.map((row) => [row.status, row._count._all]));
    expect(byStatus.received ?? 0).toBe(0);
    expect(byStatus.quarantined).toBeGreaterThan(ids.length * 0.9);
    const unexplained = await db.message.count({
      where: { id: { in: ids }, status: "quarantined", quarantineReason: null },
    });
    expect(unexplained).toBe(0);
  }, 600_000);
});
