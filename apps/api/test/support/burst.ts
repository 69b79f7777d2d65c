import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import type { Config } from "../../src/config.js";
import { readFixtureJson } from "./fixtures.js";
import type { ApiClient } from "./http.js";

const apiDir = path.resolve(import.meta.dirname, "../..");

/** Conduit's worker as its own process (`src/worker-main.ts`), on the test's configuration. */
export function spawnWorker(config: Config): ChildProcess {
  const env: Record<string, string> = { ...process.env } as Record<string, string>;
  for (const [key, value] of Object.entries(config)) if (value !== undefined) env[key] = String(value);
  env.LOG_LEVEL = "silent";
  return spawn(process.execPath, ["--import", "tsx", "src/worker-main.ts"], { cwd: apiDir, env, stdio: "ignore" });
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, "exit");
  child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

/**
 * POSTs `count` small PatientPush messages (a few at a time), calling `during` after each answer. Returns the ids of
 * those answered 2xx: the messages Conduit promised to send.
 */
export async function postBurst(
  api: ApiClient,
  destinationId: string,
  count: number,
  during: (done: number) => Promise<void> | void = () => undefined,
  concurrency = 8,
): Promise<string[]> {
  // A small PatientPush without a Document.ID: the burst measures delivery, not rendering or document versions.
  const template = readFixtureJson<{ Meta: object; Header: { Patient: unknown } }>(
    "redox/samples/clinicalsummary-patientpush.json",
  );
  const body = JSON.stringify({
    Meta: { ...template.Meta, Destinations: [{ ID: destinationId }] },
    Header: { DirectAddressTo: "records@direct.peer.example", Patient: template.Header.Patient },
  });
  const accepted: string[] = [];
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const response = await api.request("POST", "/endpoint", body);
        if (response.status >= 200 && response.status < 300) accepted.push(response.json.Meta.Logs[0].ID);
        done += 1;
        await during(done);
      }
    }),
  );
  return accepted;
}
