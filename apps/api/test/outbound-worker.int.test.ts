import type { HispTransport, OutboundDirectMessage, SendResult } from "@conduit/direct-transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { AdapterConfigError, TransportRegistry } from "../src/hisp/transport-registry.js";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { createTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

/** An adapter whose answers the test scripts, recording what it was handed. */
class ScriptedTransport implements HispTransport {
  readonly kind = "scripted";
  readonly received: OutboundDirectMessage[] = [];
  constructor(private readonly script: SendResult[]) {}
  async send(message: OutboundDirectMessage): Promise<SendResult> {
    this.received.push(message);
    return this.script.shift() ?? { outcome: "accepted", detail: "ok" };
  }
}

let env: TestEnv;
let conduit: Conduit;
let api: ApiClient;
const transports = new Map<string, ScriptedTransport>();
/** Per destination name: how many times building its adapter fails first, and with what. */
const buildFailures = new Map<string, { left: number; error: () => Error }>();

beforeAll(async () => {
  env = await createTestEnv({ SEND_ATTEMPTS: "3", SEND_BACKOFF_MS: "20" });
  const registry = new TransportRegistry(env.config).register("scripted", ({ settings }) => {
    const name = (settings as { name: string }).name;
    const failure = buildFailures.get(name);
    if (failure && failure.left-- > 0) throw failure.error();
    return transports.get(name)!;
  });
  conduit = await initConduit(env.config, { api: true, worker: true, migrate: false }, { transports: registry });
  api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

async function sendThrough(name: string, script: SendResult[]) {
  const transport = new ScriptedTransport(script);
  transports.set(name, transport);
  const tenant = await createTenant(conduit.ctx.db, { adapter: "scripted", settings: { name } });
  await api.authenticate(tenant.apiKey, tenant.secret);
  const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.Meta.Destinations = [{ ID: tenant.destinationId }];
  const response = await api.request("POST", "/endpoint", payload);
  expect(response.status).toBe(200);
  return { transport, id: response.json.Meta.Logs[0].ID as string };
}

async function finalStatus(id: string) {
  return waitFor(async () => {
    const response = await api.request("GET", `/messages/${id}`);
    return ["sent", "failed"].includes(response.json?.status) ? response.json : undefined;
  });
}

describe("outbound worker", () => {
  it("retries a transient failure with the same Message-ID and ends sent", async () => {
    const { transport, id } = await sendThrough("flaky", [
      { outcome: "transient-failure", reason: "421 try again later", remoteReply: "421 4.3.2 busy" },
    ]);
    const status = await finalStatus(id);
    expect(status.status).toBe("sent");
    expect(transport.received).toHaveLength(2);
    expect(transport.received[0]!.messageId).toBe(transport.received[1]!.messageId);
    const types = status.timeline.map((event: { type: string }) => event.type);
    expect(types).toEqual(["accepted", "rendered", "handed_to_hisp", "retry_scheduled", "handed_to_hisp", "sent"]);
    expect(status.timeline[3].detail.remoteReply).toBe("421 4.3.2 busy");
  });

  it("retries when the database fails while the message is prepared, and ends sent", async () => {
    buildFailures.set("db-busy", {
      left: 1,
      error: () =>
        new Prisma.PrismaClientKnownRequestError(
          "Transaction API error: Unable to start a transaction in the given time.",
          { code: "P2028", clientVersion: Prisma.prismaVersion.client },
        ),
    });
    const { transport, id } = await sendThrough("db-busy", []);
    const status = await finalStatus(id);
    expect(status.status).toBe("sent");
    expect(transport.received).toHaveLength(1);
  });

  it("fails at once, without retrying, when the destination's adapter is configured wrongly", async () => {
    buildFailures.set("misconfigured", { left: 1, error: () => new AdapterConfigError("relay: expected a host") });
    const { transport, id } = await sendThrough("misconfigured", []);
    const status = await finalStatus(id);
    expect(status.status).toBe("failed");
    expect(status.lastError).toBe("could not prepare the message: relay: expected a host");
    expect(transport.received).toHaveLength(0);
  });

  it("ends failed with the reason in the timeline on a permanent failure, without retrying", async () => {
    const { transport, id } = await sendThrough("refusing", [
      { outcome: "permanent-failure", reason: "550 5.1.1 no such user", remoteReply: "550 5.1.1 no such user" },
    ]);
    const status = await finalStatus(id);
    expect(status.status).toBe("failed");
    expect(status.lastError).toBe("550 5.1.1 no such user");
    expect(transport.received).toHaveLength(1);
    expect(status.timeline.at(-1)).toMatchObject({ type: "failed", detail: { reason: "550 5.1.1 no such user" } });
  });

  it("gives up after the configured attempts and says so", async () => {
    const down = { outcome: "transient-failure" as const, reason: "connection refused" };
    const { transport, id } = await sendThrough("down", [down, down, down, down]);
    const status = await finalStatus(id);
    expect(status.status).toBe("failed");
    expect(transport.received).toHaveLength(3);
    expect(status.lastError).toBe("gave up after 3 attempts: connection refused");
  });

  it("treats an adapter that throws as a transient failure", async () => {
    const transport = new ScriptedTransport([]);
    let calls = 0;
    transport.send = async (message) => {
      calls += 1;
      if (calls === 1) throw new Error("socket hang up");
      return { outcome: "accepted", detail: `ok ${message.id}` };
    };
    transports.set("throwing", transport);
    const tenant = await createTenant(conduit.ctx.db, { adapter: "scripted", settings: { name: "throwing" } });
    await api.authenticate(tenant.apiKey, tenant.secret);
    const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.Meta.Destinations = [{ ID: tenant.destinationId }];
    const id = (await api.request("POST", "/endpoint", payload)).json.Meta.Logs[0].ID;
    const status = await finalStatus(id);
    expect(status.status).toBe("sent");
    expect(status.timeline.find((event: { type: string }) => event.type === "retry_scheduled").detail.reason).toBe(
      "adapter error: socket hang up",
    );
  });
});
