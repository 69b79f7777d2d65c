import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeInbound } from "../src/inbound/store-inbound.js";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

/** What the SMTP listener stores before its 250: the message, its exact bytes and its `received` event, once. */
let env: TestEnv;
let conduit: Conduit;
let tenant: TestTenant;
const domain = "direct.store.test";

beforeAll(async () => {
  env = await createTestEnv();
  conduit = await initConduit(env.config, { api: false, worker: false, migrate: false });
  tenant = await createTenant(conduit.ctx.db);
  await conduit.ctx.db.directAddress.create({
    data: { orgId: tenant.orgId, address: `@${domain}`, kind: "organization" },
  });
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

const envelope = (to: string[]) => ({
  from: "Sender@Peer.Test",
  to,
  remoteAddress: "127.0.0.1",
  clientHostname: "peer.test",
  secure: true,
  receivedAt: new Date(),
});

describe("storing an inbound message", () => {
  it("keeps the exact bytes, the envelope and a received event; a second copy is recognised and not stored", async () => {
    const { db } = conduit.ctx;
    const raw = Buffer.concat([
      Buffer.from("Message-ID: <store-1@peer.test>\r\nFrom: sender@peer.test\r\n\r\n"),
      randomBytes(200_000),
    ]);
    const [id, ...more] = await storeInbound(conduit.ctx, raw, envelope([`intake@${domain}`, "nobody@elsewhere.test"]));
    expect(more).toEqual([]);
    const message = await db.message.findUniqueOrThrow({ where: { id }, include: { raw: true, events: true } });
    expect(message).toMatchObject({
      orgId: tenant.orgId,
      direction: "inbound",
      status: "received",
      dataModel: "Direct",
      eventType: "Inbound",
      directFrom: "sender@peer.test",
      directTo: [`intake@${domain}`],
      rfcMessageId: "<store-1@peer.test>",
      payload: null,
    });
    expect(Math.abs(message.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(Buffer.from(message.raw!.data).equals(raw)).toBe(true);
    expect(message.raw).toMatchObject({
      mailFrom: "Sender@Peer.Test",
      rcptTo: [`intake@${domain}`, "nobody@elsewhere.test"],
      remoteAddress: "127.0.0.1",
    });
    expect(message.events.map((event) => [event.type, event.detail])).toEqual([
      ["received", { bytes: raw.length, remoteAddress: "127.0.0.1", tls: true }],
    ]);

    expect(await storeInbound(conduit.ctx, raw, envelope([`intake@${domain}`]))).toEqual([]);
    expect(await db.message.count({ where: { rfcMessageId: "<store-1@peer.test>" } })).toBe(1);
  });

  it("gives a message without a Message-ID an id of its own, so each copy is stored", async () => {
    const raw = Buffer.from("From: sender@peer.test\r\n\r\nno id\r\n");
    const [first] = await storeInbound(conduit.ctx, raw, envelope([`intake@${domain}`]));
    const [second] = await storeInbound(conduit.ctx, raw, envelope([`intake@${domain}`]));
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    const message = await conduit.ctx.db.message.findUniqueOrThrow({ where: { id: first } });
    expect(message.rfcMessageId).toBe(`<${first}@conduit.invalid>`);
  });
});
