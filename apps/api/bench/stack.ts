import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { issueCertificate, type DirectCredentials } from "@conduit/direct-transport";
import { configSchema, type Config } from "../src/config.js";
import { dropDatabase } from "../src/db/create-database.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { adminToken } from "../test/support/admin-token.js";
import { createDirectOrganization } from "../test/support/direct-organization.js";
import { ApiClient } from "../test/support/http.js";
import type { TestTenant } from "../test/support/tenant.js";
import { deleteKeys } from "../test/support/test-env.js";
import { TimingSmtpSink, TimingWebhook } from "./peers.js";
import {
  cpuMsOfAll,
  freePort,
  spawnConduit,
  stopConduit,
  waitForPort,
  type ConduitProcess,
  type ConduitRole,
} from "./processes.js";

export const localDomain = "direct.conduit.bench";
export const conduitAddress = `referrals@${localDomain}`;
export const peerDomain = "peer-hisp.bench";
/** Outbound messages go to this recipient, whose certificate is configured; inbound ones come from it. */
export const peerAddress = `dr.peer@${peerDomain}`;

/**
 * `separate` (the default): Conduit runs as its three processes (API, worker, inbound listener), started like
 * `npm run start:api` etc., so that each one's memory and CPU are measured on its own. `one`
 * (BENCH_PROCESSES=one): everything in this process, for `node --cpu-prof` of the whole path.
 */
export type ProcessMode = "separate" | "one";

export interface BenchStack {
  config: Config;
  mode: ProcessMode;
  /**
   * The run's database, queues and secrets, for the bench's own lookups. In `one` mode this is the running Conduit;
   * in `separate` mode it has no roles (it serves nothing).
   */
  control: Conduit;
  /** Conduit's processes (`separate` mode), or none. */
  processes: ConduitProcess[];
  /** The inbound SMTP listener's port. */
  smtpPort: number;
  /** CPU time Conduit has used so far, in ms: its processes', or in `one` mode this whole process's. */
  conduitCpuMs(): number;
  tenant: TestTenant;
  api: ApiClient;
  sink: TimingSmtpSink;
  webhook: TimingWebhook;
  /** PEM files for openssl: the peer's signing certificate and key, and Conduit's certificate to encrypt for. */
  files: { peer: { cert: string; key: string }; conduitCert: string };
  dir: string;
}

/**
 * Everything on loopback: a database and queue prefix of the run's own, Conduit (API, worker, inbound listener in this
 * process), the peer HISP's SMTP sink and the customer's webhook. `cleanups` collects the undo steps as they become
 * needed, so that a failure half-way still undoes what was done (run them in reverse).
 */
/** `separate` unless BENCH_PROCESSES=one. */
export function processModeFromEnv(): ProcessMode {
  return process.env.BENCH_PROCESSES === "one" ? "one" : "separate";
}

export async function startStack(
  cleanups: (() => Promise<unknown>)[],
  mode: ProcessMode = processModeFromEnv(),
): Promise<BenchStack> {
  const hex = randomBytes(6).toString("hex");
  const server = new URL(process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  server.pathname = `/conduit_bench_${hex}`;
  const databaseUrl = server.toString();
  const prefix = `conduit-bench-${hex}`;
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  const dir = await mkdtemp(path.join(os.tmpdir(), "conduit-bench-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cleanups.push(() => deleteKeys(redisUrl, `${prefix}:*`));
  cleanups.push(() => dropDatabase(databaseUrl));
  await migrateDatabase(databaseUrl);

  const separate = mode === "separate";
  const settings: Record<string, string> = {
    NODE_ENV: "test",
    PORT: separate ? String(await freePort()) : "0",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString("hex"),
    SECRETS_KEY: randomBytes(32).toString("base64"),
    VAR_DIR: dir,
    LOG_LEVEL: "silent",
    INBOUND_SMTP_HOST: "127.0.0.1",
    INBOUND_SMTP_PORT: separate ? String(await freePort()) : "0",
    WORKER_CONCURRENCY: "50",
    INBOUND_CONCURRENCY: "50",
    WEBHOOK_CONCURRENCY: "100",
    DATABASE_POOL_SIZE: "20",
    // The sweep would re-queue the API phase's messages, whose jobs the bench removes; it has nothing else to do here.
    SWEEP_INTERVAL_MS: "3600000",
    RATE_LIMIT_REQUESTS: "10000000",
    SEED_DEV_DATA: "false",
  };
  const config = configSchema.parse(settings);

  const peerCa = await issueCertificate({ commonName: "Bench peer HISP CA", ca: true });
  const peerCert = await issueCertificate({ commonName: peerDomain, dnsNames: [peerDomain] }, peerCa);
  const conduitCa = await issueCertificate({ commonName: "Bench Conduit CA", ca: true });
  const conduitCert = await issueCertificate({ commonName: localDomain, dnsNames: [localDomain] }, conduitCa);
  const files = {
    peer: await pemFiles(dir, "peer", peerCert),
    conduitCert: (await pemFiles(dir, "conduit", conduitCert)).cert,
  };

  const sink = new TimingSmtpSink();
  cleanups.push(() => sink.stop());
  const sinkPort = await sink.start(await issueCertificate({ commonName: "localhost", ips: ["127.0.0.1"] }, peerCa));

  // First without roles, to set the organization up; the listener then starts knowing its domain.
  const setup = await initConduit(config, { api: false, worker: false, migrate: false });
  let tenant: TestTenant;
  try {
    const { db, secrets } = setup.ctx;
    tenant = await createDirectOrganization(db, secrets, {
      localDomain,
      directAddressFrom: conduitAddress,
      relayPort: sinkPort,
      own: conduitCert,
      anchors: [conduitCa, peerCa],
      recipients: [{ scope: peerDomain, credentials: peerCert }],
    });
  } finally {
    await setup.close();
  }
  let control: Conduit;
  let processes: ConduitProcess[] = [];
  let apiPort: number;
  let smtpPort: number;
  if (separate) {
    control = await initConduit(config, { api: false, worker: false, migrate: false });
    const controlling = control;
    cleanups.push(() => controlling.close());
    processes = (["api", "worker", "inbound"] as ConduitRole[]).map((role) => spawnConduit(role, settings));
    cleanups.push(() => Promise.all(processes.map(stopConduit)));
    apiPort = config.PORT;
    smtpPort = config.INBOUND_SMTP_PORT;
    await waitForPort(apiPort, processes[0]!);
    await waitForPort(smtpPort, processes[2]!);
    await waitForWorker(control, processes[1]!);
  } else {
    control = await initConduit(config, { api: true, worker: true, inbound: true, migrate: false });
    const running = control;
    cleanups.push(() => running.close());
    apiPort = control.port!;
    smtpPort = control.smtp!.port;
  }

  const api = new ApiClient(`http://127.0.0.1:${apiPort}`);
  await api.authenticate(tenant.apiKey, tenant.secret);

  const webhook = new TimingWebhook();
  cleanups.push(() => webhook.stop());
  const admin = new ApiClient(api.baseUrl);
  admin.token = await adminToken(control.ctx, tenant.orgId);
  const registered = await admin.request("POST", "/webhooks", {
    name: "bench inbox",
    url: await webhook.start(),
    verificationToken: "bench-verification-token",
    subscriptions: [{ kind: "content", dataModels: ["*"] }],
  });
  if (registered.status !== 201) throw new Error(`webhook registration: ${registered.status} ${registered.text}`);
  const conduitCpuMs = separate
    ? () => cpuMsOfAll(processes)
    : () => {
        const used = process.cpuUsage();
        return (used.user + used.system) / 1000;
      };
  return { config, mode, control, processes, smtpPort, conduitCpuMs, tenant, api, sink, webhook, files, dir };
}

/** Waits until the worker process has its outbound worker connected to the queue. */
async function waitForWorker(control: Conduit, owner: ConduitProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await control.ctx.outboundQueue.getWorkersCount()) === 0) {
    if (owner.child.exitCode !== null) throw new Error(`the worker process exited with ${owner.child.exitCode}`);
    if (Date.now() > deadline) throw new Error("the worker process did not connect to the queue in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pemFiles(dir: string, name: string, credentials: DirectCredentials) {
  const cert = path.join(dir, `${name}.cert.pem`);
  const key = path.join(dir, `${name}.key.pem`);
  await writeFile(cert, credentials.certificate.toString());
  await writeFile(key, credentials.privateKey.export({ format: "pem", type: "pkcs8" }));
  return { cert, key };
}
