import { randomUUID } from "node:crypto";
import path from "node:path";
import { access } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit } from "../src/lifecycle.js";
import { sweepOutbox } from "../src/workers/outbox-sweep.js";
import { readFixtureJson } from "./support/fixtures.js";
import { createTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.cleanup();
});

describe("outbox sweep", () => {
  it("finds a message committed but never queued (a crash between the two) and sends it", async () => {
    // The API side commits the row and dies before queueing: write the row exactly as acceptMessage does, no job.
    const apiOnly = await initConduit(env.config, { api: false, worker: false, migrate: false });
    const outbox = path.join(env.varDir, "outbox");
    const tenant = await createTenant(apiOnly.ctx.db, { settings: { directory: outbox } });
    const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    const id = randomUUID();
    await apiOnly.ctx.db.message.create({
      data: {
        id,
        orgId: tenant.orgId,
        sourceId: tenant.sourceId,
        destinationId: tenant.destinationId,
        direction: "outbound",
        dataModel: "Clinical Summary",
        eventType: "PatientPush",
        status: "queued",
        payload,
        directFrom: "sender@direct.test.example",
        directTo: ["john.slate@direct.redoxengine.com"],
        rfcMessageId: `<${id}@direct.test.example>`,
        attemptId: randomUUID(),
      },
    });
    expect(await apiOnly.ctx.outboundQueue.getJob(id)).toBeUndefined();
    await apiOnly.close();

    // A worker starts; its periodic sweep notices the row without a job.
    const worker = await initConduit(env.config, { api: false, worker: true, migrate: false });
    try {
      const sent = await waitFor(async () => {
        const message = await worker.ctx.db.message.findUnique({ where: { id }, include: { events: true } });
        return message?.status === "sent" ? message : undefined;
      });
      expect(sent.events.map((event) => event.type)).toContain("requeued");
      await access(path.join(outbox, `${id}.eml`));
      // Once sent, another sweep finds nothing to do.
      expect(await sweepOutbox(worker.ctx)).toBe(0);
    } finally {
      await worker.close();
    }
  });

  it("leaves alone a message whose job is still in the queue", async () => {
    const conduit = await initConduit(env.config, { api: false, worker: false, migrate: false });
    try {
      const tenant = await createTenant(conduit.ctx.db);
      const id = randomUUID();
      await conduit.ctx.db.message.create({
        data: {
          id,
          orgId: tenant.orgId,
          destinationId: tenant.destinationId,
          direction: "outbound",
          dataModel: "Clinical Summary",
          eventType: "PatientPush",
          status: "queued",
          payload: {},
          directFrom: "a@direct.test.example",
          directTo: ["b@direct.test.example"],
          rfcMessageId: `<${id}@direct.test.example>`,
          attemptId: randomUUID(),
        },
      });
      await conduit.ctx.outboundQueue.add("send", { messageId: id }, { jobId: id, delay: 60_000 });
      expect(await sweepOutbox(conduit.ctx)).toBe(0);
      const events = await conduit.ctx.db.messageEvent.findMany({ where: { messageId: id } });
      expect(events.map((event) => event.type)).not.toContain("requeued");
    } finally {
      await conduit.close();
    }
  });
});
