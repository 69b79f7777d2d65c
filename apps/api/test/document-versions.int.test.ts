import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../src/db/prisma.js";
import { assignDocumentVersion } from "../src/outbound/document-versions.js";
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

function push(orgId: string, documentId: string) {
  return {
    id: randomUUID(),
    orgId,
    directTo: ["Dr.Who@Direct.Example"],
    payload: { Header: { Document: { ID: documentId } } },
  };
}

describe("document versions", () => {
  it("gives each of several pushes of one document that race each other a version of its own", async () => {
    const org = await db.organization.create({ data: { name: "versions" } });
    const pushes = Array.from({ length: 6 }, () => push(org.id, "doc-42"));
    const versions = await Promise.all(pushes.map((message) => assignDocumentVersion(db, message)));
    expect(versions.map((version) => version!.versionNumber).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(versions.map((version) => version!.setId))).toEqual(new Set(["doc-42"]));
    // A message asking again (a retry) keeps the version it was given.
    const last = pushes[versions.findIndex((version) => version!.versionNumber === 6)]!;
    expect((await assignDocumentVersion(db, last))!.versionNumber).toBe(6);
    // The next push follows the last one, whose id it replaces.
    const next = await assignDocumentVersion(db, push(org.id, "doc-42"));
    expect(next).toEqual({ setId: "doc-42", versionNumber: 7, parentDocumentId: "doc-42.v6" });
  });
});
