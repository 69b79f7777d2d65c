import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { ApiClient } from "./support/http.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let tenant: TestTenant;
let api: ApiClient;
const ids: Record<string, string> = {};

async function message(
  name: string,
  orgId: string,
  fields: {
    status: "sent" | "failed" | "delivered" | "quarantined";
    direction?: "outbound" | "inbound";
    dataModel?: string;
    to?: string;
    from?: string;
    createdAt: string;
  },
) {
  const id = randomUUID();
  ids[name] = id;
  await conduit.ctx.db.message.create({
    data: {
      id,
      orgId,
      direction: fields.direction ?? "outbound",
      dataModel: fields.dataModel ?? "Clinical Summary",
      eventType: "PatientPush",
      status: fields.status,
      directFrom: fields.from ?? "sender@direct.test.example",
      directTo: [fields.to ?? "someone@direct.peer.example"],
      rfcMessageId: `<${id}@test>`,
      attemptId: randomUUID(),
      createdAt: new Date(fields.createdAt),
    },
  });
}

beforeAll(async () => {
  env = await createTestEnv();
  conduit = await initConduit(env.config, { api: true, worker: false, migrate: false });
  tenant = await createTenant(conduit.ctx.db);
  const other = await createTenant(conduit.ctx.db);
  await message("a", tenant.orgId, {
    status: "sent",
    createdAt: "2026-11-01T10:00:00Z",
    to: "alice@direct.peer.example",
  });
  await message("b", tenant.orgId, { status: "failed", createdAt: "2026-11-02T10:00:00Z" });
  await message("c", tenant.orgId, {
    status: "delivered",
    dataModel: "Media",
    createdAt: "2026-11-03T10:00:00Z",
    to: "Alice@Direct.Peer.Example".toLowerCase(),
  });
  await message("d", tenant.orgId, {
    status: "quarantined",
    direction: "inbound",
    dataModel: "Direct",
    createdAt: "2026-11-04T10:00:00Z",
    from: "alice@direct.peer.example",
    to: "intake@direct.test.example",
  });
  await message("e", tenant.orgId, { status: "sent", createdAt: "2026-11-04T10:00:00Z" });
  await message("theirs", other.orgId, { status: "sent", createdAt: "2026-11-05T10:00:00Z" });
  api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  await api.authenticate(tenant.apiKey, tenant.secret);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

const names = (messages: { id: string }[]) =>
  messages.map((row) => Object.keys(ids).find((name) => ids[name] === row.id));

describe("GET /messages", () => {
  it("lists the organization's messages, newest first, never another organization's", async () => {
    const response = await api.request("GET", "/messages");
    expect(response.status).toBe(200);
    expect(names(response.json.messages)).toEqual([
      ids.e! > ids.d! ? "e" : "d",
      ids.e! > ids.d! ? "d" : "e",
      "c",
      "b",
      "a",
    ]);
    expect(response.json.nextCursor).toBeNull();
  });

  it("filters by status, direction, data model, dates and address", async () => {
    const list = async (query: string) => names((await api.request("GET", `/messages?${query}`)).json.messages);
    expect(await list("status=failed")).toEqual(["b"]);
    expect((await list("status=failed,delivered")).sort()).toEqual(["b", "c"]);
    expect(await list("direction=inbound")).toEqual(["d"]);
    expect(await list("dataModel=Media")).toEqual(["c"]);
    expect(await list("since=2026-11-02T00:00:00Z&until=2026-11-03T23:59:59Z")).toEqual(["c", "b"]);
    expect((await list("address=ALICE@direct.peer.example")).sort()).toEqual(["a", "c", "d"]);
  });

  it("pages with a cursor: every message once, in order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: { json: { messages: { id: string }[]; nextCursor: string | null } } = await api.request(
        "GET",
        `/messages?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(response.json.messages.length).toBeLessThanOrEqual(2);
      seen.push(...(names(response.json.messages) as string[]));
      cursor = response.json.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.slice(2)).toEqual(["c", "b", "a"]);
  });

  it("answers 400 naming the parameter for bad filters", async () => {
    const bad = async (query: string) =>
      (await api.request("GET", `/messages?${query}`)).json.Meta.Errors[0].Text as string;
    expect(await bad("status=lost")).toMatch(/^status\[0\]: expected one or more of/);
    expect(await bad("since=yesterday")).toMatch(/^since: expected an ISO 8601 date-time/);
    expect(await bad("limit=5000")).toMatch(/^limit:/);
    expect(await bad("cursor=not-a-cursor")).toMatch(/^cursor: expected the nextCursor of an earlier page/);
  });
});
