import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../src/db/prisma.js";
import { insertAcceptedMessages } from "../src/outbound/insert-accepted.js";
import { loadOutboundMessage } from "../src/outbound/load-outbound.js";
import { createTenant } from "./support/tenant.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let db: Database;

beforeAll(async () => {
  env = await createTestEnv();
  db = createDatabase(env.databaseUrl);
});

afterAll(async () => {
  await db?.$disconnect();
  await env?.cleanup();
});

describe("a stored outbound message read back for sending", () => {
  it("has the fields, payload, destination and creation time it was stored with", async () => {
    const tenant = await createTenant(db);
    const id = randomUUID();
    const payload = { Meta: { DataModel: "Clinical Summary" }, Header: { Document: { ID: "d1", Title: "Résumé" } } };
    const before = Date.now();
    await insertAcceptedMessages(db, [
      {
        id,
        orgId: tenant.orgId,
        sourceId: tenant.sourceId,
        destinationId: tenant.destinationId,
        adapter: "file",
        dataModel: "Clinical Summary",
        eventType: "PatientPush",
        payload,
        directFrom: "from@a.example",
        directTo: ["To@B.example"],
        rfcMessageId: `<${id}@a.example>`,
        transmissionId: null,
        attemptId: randomUUID(),
        finalDeliveryRequested: true,
      },
    ]);
    const message = await loadOutboundMessage(db, id);
    expect(message).toMatchObject({
      id,
      orgId: tenant.orgId,
      status: "queued",
      dataModel: "Clinical Summary",
      eventType: "PatientPush",
      payload,
      directFrom: "from@a.example",
      directTo: ["To@B.example"],
      rfcMessageId: `<${id}@a.example>`,
      finalDeliveryRequested: true,
      destination: { id: tenant.destinationId, orgId: tenant.orgId },
    });
    // The same instant Prisma reads, whatever the database session's time zone.
    const stored = await db.message.findUniqueOrThrow({ where: { id } });
    expect(message!.createdAt.toISOString()).toBe(stored.createdAt.toISOString());
    expect(Math.abs(message!.createdAt.getTime() - before)).toBeLessThan(60_000);
    expect(await loadOutboundMessage(db, randomUUID())).toBeUndefined();
  });
});
