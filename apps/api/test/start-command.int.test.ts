import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropDatabase } from "../src/db/create-database.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { deleteKeys, waitFor } from "./support/test-env.js";

const apiDir = path.resolve(import.meta.dirname, "..");
const databaseUrl = `postgresql://postgres@127.0.0.1:5432/conduit_start_${randomBytes(6).toString("hex")}`;
const queuePrefix = `conduit-start-${randomBytes(6).toString("hex")}`;
let varDir: string;
let child: ChildProcess;
let output = "";

/** `npm start` as a user runs it (src/main.ts), on a database that does not exist yet and PORT=0. */
beforeAll(async () => {
  varDir = await mkdtemp(path.join(os.tmpdir(), "conduit-start-"));
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: apiDir,
    env: {
      ...process.env,
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl,
      PORT: "0",
      INBOUND_SMTP_PORT: "0",
      VAR_DIR: varDir,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: "warn",
      JWT_SECRET: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await dropDatabase(databaseUrl);
  await deleteKeys("redis://127.0.0.1:6379", `${queuePrefix}:*`);
  await rm(varDir, { recursive: true, force: true });
});

describe("the start command", () => {
  it("creates and migrates the database, seeds development credentials, serves, and sends to var/outbox", async () => {
    const port = await waitFor(
      async () => /listening on http:\/\/[\d.]+:(\d+)/.exec(output)?.[1],
      60_000,
      `the start banner; output so far:\n${output}`,
    );
    expect(output).toContain("Development data created");
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    expect((await api.request("GET", "/health")).status).toBe(200);

    const credentials = JSON.parse(await readFile(path.join(varDir, "dev-credentials.json"), "utf8"));
    expect(Object.keys(credentials).sort()).toEqual([
      "adminClientId",
      "adminClientSecret",
      "apiKey",
      "destinationId",
      "directDomain",
      "secret",
    ]);
    expect(output).toContain(credentials.secret);
    await api.authenticate(credentials.apiKey, credentials.secret);

    const summary = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    summary.Meta.Destinations = [{ ID: credentials.destinationId }];
    const media = readFixtureJson<any>("redox/samples/media-new.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    media.Meta.Destinations = [{ ID: credentials.destinationId }];
    media.Media.FileContents = Buffer.from("plain text document").toString("base64");
    media.Media.FileType = "TXT";
    media.Media.DirectAddressTo = "records@direct.receiver.example";

    for (const payload of [summary, media]) {
      const response = await api.request("POST", "/endpoint", payload);
      expect(response.status).toBe(200);
      const id = response.json.Meta.Logs[0].ID;
      const status = await waitFor(async () => {
        const reply = await api.request("GET", `/messages/${id}`);
        return reply.json.status === "sent" ? reply.json : undefined;
      });
      expect(status.timeline.length).toBeGreaterThanOrEqual(4);
      const mail = await simpleParser(await readFile(path.join(varDir, "outbox", `${id}.eml`)));
      expect(mail.attachments).toHaveLength(1);
    }
    expect((await readdir(path.join(varDir, "outbox"))).filter((name) => name.endsWith(".eml"))).toHaveLength(2);
  }, 120_000);

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
