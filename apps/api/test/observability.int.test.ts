import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let api: ApiClient;
let tenant: TestTenant;
const logLines: string[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  // Every log line at the most verbose level, captured to be searched for patient data.
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  conduit = await initConduit(
    env.config,
    { api: true, worker: true, migrate: false },
    { logger: pino({ level: "trace" }, sink) },
  );
  tenant = await createTenant(conduit.ctx.db, { settings: { directory: path.join(env.varDir, "outbox") } });
  api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  await api.authenticate(tenant.apiKey, tenant.secret);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

async function sendOne() {
  const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.Meta.Destinations = [{ ID: tenant.destinationId }];
  const response = await api.request("POST", "/endpoint", payload);
  const id = response.json.Meta.Logs[0].ID as string;
  await waitFor(async () => ((await api.request("GET", `/messages/${id}`)).json.status === "sent" ? true : undefined));
  return id;
}

describe("observability", () => {
  it("exposes Prometheus metrics: request latency by route, send outcomes, queue depths; no ids or patient data", async () => {
    const id = await sendOne();
    const response = await fetch(`${api.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(
      /conduit_http_request_duration_seconds_count\{method="POST",route="\/endpoint\/",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/conduit_outbound_sends_total\{adapter="file",outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/conduit_queue_jobs\{queue="outbound",state="waiting"\} \d+/);
    expect(text).not.toContain(id);
    expect(text).not.toMatch(/Jones|Myra/);
  });

  it("answers /ready when it can take work", async () => {
    const response = await fetch(`${api.baseUrl}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true });
  });

  it("writes no patient data, payload or secret to the logs, even at trace level", async () => {
    await sendOne();
    const failing = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    failing.Header.Patient.Demographics.DOB = "not a date";
    await api.request("POST", "/endpoint", failing);
    const logs = logLines.join("");
    expect(logs).toContain("message accepted");
    for (const phi of ["Myra", "Jones", "1357 Amber Drive", "123-101-1234", "Penicillin", tenant.secret])
      expect(logs).not.toContain(phi);
  });
});
