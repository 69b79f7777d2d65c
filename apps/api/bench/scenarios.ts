import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import type autocannon from "autocannon";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { fixturesDir, readFixtureJson } from "../test/support/fixtures.js";
import { sealWithOpenssl } from "../test/support/openssl.js";
import { now, type TimingSmtpSink } from "./peers.js";
import { cpuMsOfServices, ProcessRssSampler, rssOf, servicesCpuMsBetween } from "./processes.js";
import { RssSampler, rssKb } from "./rss.js";
import { conduitAddress, peerAddress, type BenchStack } from "./stack.js";

const benchDir = import.meta.dirname;

/** A Redox sample, edited in place. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = any;

/** CPU ms so far of Conduit and of the services it uses (PostgreSQL, Redis), for differences over a phase. */
interface CpuReading {
  conduit: number;
  services: Map<number, number>;
}

function readCpu(stack: BenchStack): CpuReading {
  return { conduit: stack.conduitCpuMs(), services: cpuMsOfServices(["postgres", "redis-server"]) };
}

function cpuSince(stack: BenchStack, since: CpuReading): { conduit: number; services: number } {
  const now = readCpu(stack);
  return { conduit: now.conduit - since.conduit, services: servicesCpuMsBetween(since.services, now.services) };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The 37 KB PatientPush sample, addressed to the bench destination and recipient, with its own document id. */
export function patientPush(destinationId: string): Payload {
  const payload = readFixtureJson<Payload>("redox/samples/clinicalsummary-patientpush.json");
  payload.Meta.Destinations = [{ ID: destinationId }];
  payload.Header.DirectAddressTo = peerAddress;
  payload.Header.Document.ID = randomUUID();
  return payload;
}

/** Runs autocannon in a child process (its own event loop and core) and returns its result. */
async function autocannonChild(options: autocannon.Options): Promise<autocannon.Result> {
  const tsx = createRequire(import.meta.url).resolve("tsx");
  const child = spawn(process.execPath, ["--import", tsx, path.join(benchDir, "load.ts"), JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as autocannon.Result;
}

export interface ApiResult {
  fixed: {
    connections: number;
    seconds: number;
    accepted: number;
    acceptedPerSecond: number;
    p50: number;
    p99: number;
    non2xx: number;
    /** Conduit's CPU time per request. */
    cpuMsPerRequest: number;
    /** PostgreSQL's and Redis's. */
    servicesCpuMsPerRequest: number;
  };
  rate: {
    rate: number;
    seconds: number;
    accepted: number;
    p50: number;
    p99: number;
    non2xx: number;
    cpuMsPerRequest: number;
    servicesCpuMsPerRequest: number;
  };
}

/**
 * POST /endpoint with the PatientPush sample: 10 connections for `seconds`, then a fixed offered rate. The outbound
 * worker is paused meanwhile (the API alone is measured), and the jobs the API queued are removed afterwards.
 */
export async function benchApi(stack: BenchStack, seconds = 10, rate = 200): Promise<ApiResult> {
  // A global pause: it holds the worker whether it runs here or in its own process.
  const queue = stack.control.ctx.outboundQueue;
  await queue.pause();
  try {
    const common = {
      url: `${stack.api.baseUrl}/endpoint`,
      method: "POST" as const,
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.api.token}` },
      body: JSON.stringify(patientPush(stack.tenant.destinationId)),
      duration: seconds,
    };
    let cpu = readCpu(stack);
    const fixed = await autocannonChild({ ...common, connections: 10 });
    const fixedCpu = cpuSince(stack, cpu);
    cpu = readCpu(stack);
    const paced = await autocannonChild({ ...common, connections: 20, overallRate: rate });
    const pacedCpu = cpuSince(stack, cpu);
    return {
      fixed: {
        connections: 10,
        seconds: fixed.duration,
        accepted: fixed["2xx"],
        acceptedPerSecond: fixed["2xx"] / fixed.duration,
        p50: fixed.latency.p50,
        p99: fixed.latency.p99,
        non2xx: fixed.non2xx + fixed.errors + fixed.timeouts,
        cpuMsPerRequest: fixedCpu.conduit / Math.max(1, fixed.requests.total),
        servicesCpuMsPerRequest: fixedCpu.services / Math.max(1, fixed.requests.total),
      },
      rate: {
        rate,
        seconds: paced.duration,
        accepted: paced["2xx"],
        p50: paced.latency.p50,
        p99: paced.latency.p99,
        non2xx: paced.non2xx + paced.errors + paced.timeouts,
        cpuMsPerRequest: pacedCpu.conduit / Math.max(1, paced.requests.total),
        servicesCpuMsPerRequest: pacedCpu.services / Math.max(1, paced.requests.total),
      },
    };
  } finally {
    await queue.drain(true);
    await queue.resume();
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

async function messageIdsOf(stack: BenchStack, ids: string[]): Promise<Map<string, string>> {
  const rows = await stack.control.ctx.db.message.findMany({
    where: { id: { in: ids } },
    select: { id: true, rfcMessageId: true },
  });
  return new Map(rows.map((row) => [row.id, row.rfcMessageId]));
}

export interface OutboundResult {
  messages: number;
  delivered: number;
  /** For messages the sink never got: how many per status and last error (no content). */
  undelivered: string[];
  perSecond: number;
  p50: number;
  p99: number;
  postSeconds: number;
  /** Conduit's CPU time per delivered message (in `one` mode also the POSTing client's and the sink's). */
  cpuMsPerMessage: number;
  /** PostgreSQL's and Redis's CPU time per delivered message. */
  servicesCpuMsPerMessage: number;
}

/** `count` PatientPush POSTs (`concurrency` at a time) until the SMTP sink has each sealed message, matched by Message-ID. */
export async function benchOutbound(
  stack: BenchStack,
  count = 300,
  concurrency = 16,
  timeoutMs = 60_000,
): Promise<OutboundResult> {
  const bodies = Array.from({ length: count }, () => JSON.stringify(patientPush(stack.tenant.destinationId)));
  const postedAt = new Map<string, number>();
  const cpu = readCpu(stack);
  const started = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const body = bodies[next++]!;
        const at = now();
        const response = await stack.api.request("POST", "/endpoint", body);
        if (response.status === 200) postedAt.set(response.json.Meta.Logs[0].ID as string, at);
      }
    }),
  );
  const postSeconds = (now() - started) / 1000;
  const rfcIds = await messageIdsOf(stack, [...postedAt.keys()]);
  const wanted = [...rfcIds.values()];
  await waitUntil(() => wanted.every((id) => stack.sink.arrivals.has(id)), timeoutMs);
  const used = cpuSince(stack, cpu);
  const latencies: number[] = [];
  let last = started;
  for (const [id, at] of postedAt) {
    const arrival = stack.sink.arrivals.get(rfcIds.get(id) ?? "");
    if (!arrival) continue;
    latencies.push(arrival.at - at);
    last = Math.max(last, arrival.at);
  }
  const undelivered = [...postedAt.keys()].filter((id) => !stack.sink.arrivals.has(rfcIds.get(id) ?? ""));
  return {
    messages: count,
    delivered: latencies.length,
    undelivered: await whereTheyAre(stack, undelivered),
    perSecond: latencies.length / ((last - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    postSeconds,
    cpuMsPerMessage: used.conduit / Math.max(1, latencies.length),
    servicesCpuMsPerMessage: used.services / Math.max(1, latencies.length),
  };
}

async function whereTheyAre(stack: BenchStack, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await stack.control.ctx.db.message.groupBy({
    by: ["status", "lastError"],
    where: { id: { in: ids } },
    _count: { _all: true },
  });
  return rows.map((row) => `${row._count._all} ${row.status}${row.lastError ? ` (${row.lastError})` : ""}`);
}

export interface InboundResult {
  messages: number;
  delivered: number;
  perSecond: number;
  sealSeconds: number;
  sendSeconds: number;
  /** Conduit's CPU time per delivered message (in `one` mode also the SMTP client's, sink's and webhook's). */
  cpuMsPerMessage: number;
  /** PostgreSQL's and Redis's CPU time per delivered message. */
  servicesCpuMsPerMessage: number;
}

/**
 * `count` distinct messages (a C-CDA each), sealed with openssl by the peer before the clock starts, sent over a pooled
 * SMTP connection to the listener; done when the webhook has had as many ClinicalSummary POSTs.
 */
export async function benchInbound(stack: BenchStack, count = 200, timeoutMs = 60_000): Promise<InboundResult> {
  const ccd = await readFile(path.join(fixturesDir, "ccda/CCD.xml"));
  const sealStarted = now();
  const sealed: Buffer[] = new Array<Buffer>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const index = next++;
        const original = await new MailComposer({
          from: peerAddress,
          to: conduitAddress,
          subject: `Referral ${index}`,
          messageId: `<bench-inbound-${index}-${randomUUID()}@peer-hisp.bench>`,
          text: "Please see the attached document.",
          attachments: [{ filename: "CCD.xml", contentType: "application/xml", content: ccd }],
          newline: "\r\n",
        })
          .compile()
          .build();
        sealed[index] = await sealWithOpenssl(original, stack.files.peer, stack.files.conduitCert, {
          from: peerAddress,
          to: conduitAddress,
          subject: "Referral",
        });
      }
    }),
  );
  const sealSeconds = (now() - sealStarted) / 1000;

  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 5,
    maxMessages: Infinity,
    host: "127.0.0.1",
    port: stack.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
  });
  const isPush = (arrival: { dataModel: string }) => arrival.dataModel === "Clinical Summary/PatientPush";
  const before = stack.webhook.arrivals.filter(isPush).length;
  const cpu = readCpu(stack);
  const started = now();
  try {
    await Promise.all(
      sealed.map((raw) => transport.sendMail({ envelope: { from: peerAddress, to: [conduitAddress] }, raw })),
    );
  } finally {
    transport.close();
  }
  const sendSeconds = (now() - started) / 1000;
  await waitUntil(() => stack.webhook.arrivals.filter(isPush).length - before >= count, timeoutMs);
  const used = cpuSince(stack, cpu);
  const pushes = stack.webhook.arrivals.filter(isPush).slice(before);
  const last = pushes.reduce((max, arrival) => Math.max(max, arrival.at), started);
  return {
    messages: count,
    delivered: pushes.length,
    perSecond: pushes.length / ((last - started) / 1000),
    sealSeconds,
    sendSeconds,
    cpuMsPerMessage: used.conduit / Math.max(1, pushes.length),
    servicesCpuMsPerMessage: used.services / Math.max(1, pushes.length),
  };
}

export interface ProcessMemory {
  /** `api`, `worker`, `inbound`, or `all` when Conduit runs in the bench's process. */
  role: string;
  baselineKb: number;
  peakKb: number;
  growthKb: number;
}

export interface MemoryResult {
  fileBytes: number;
  processes: ProcessMemory[];
  samples: number;
  seconds: number;
  delivered: boolean;
}

/**
 * One Media New with a 10 MB file: POSTed by curl (a child process, so the client's copy of the 13.4 MB body is in
 * neither Conduit nor the bench), RSS sampled every 20 ms until the sink has the sealed message: each Conduit
 * process's from here, or, in `one` mode, this process's from a worker thread (sealing blocks the main loop).
 */
export async function benchMemory(stack: BenchStack, sink: TimingSmtpSink, timeoutMs = 60_000): Promise<MemoryResult> {
  const fileBytes = 10 * 1024 * 1024;
  const payload = readFixtureJson<Payload>("redox/samples/media-new.json");
  payload.Meta.Destinations = [{ ID: stack.tenant.destinationId }];
  payload.Media.DirectAddressTo = peerAddress;
  payload.Media.DocumentID = randomUUID();
  payload.Media.FileContents = Buffer.alloc(fileBytes, "%PDF-1.4 bench ").toString("base64");
  const bodyFile = path.join(stack.dir, "media-10mb.json");
  await writeFile(bodyFile, JSON.stringify(payload));
  payload.Media.FileContents = "";

  const pids = stack.processes.map((process) => process.pid);
  const baselines = stack.processes.map((process) => rssOf(process.pid));
  const sampler = stack.mode === "separate" ? new ProcessRssSampler(pids) : undefined;
  const selfSampler = stack.mode === "one" ? new RssSampler() : undefined;
  sampler?.start(20);
  await selfSampler?.start(20);
  const selfBaselineKb = rssKb();
  const started = now();
  let delivered = false;
  let processes: ProcessMemory[] = [];
  let samples = 0;
  try {
    const { stdout } = await promisify(execFile)(
      "curl",
      [
        "-sS",
        "-H",
        "content-type: application/json",
        "-H",
        `authorization: Bearer ${stack.api.token}`,
        "--data-binary",
        `@${bodyFile}`,
        `${stack.api.baseUrl}/endpoint`,
      ],
      { maxBuffer: 1024 * 1024 },
    );
    const id = (JSON.parse(stdout) as { Meta: { Logs: { ID: string }[] } }).Meta.Logs[0]!.ID;
    const rfcId = (await messageIdsOf(stack, [id])).get(id)!;
    delivered = await waitUntil(() => sink.arrivals.has(rfcId), timeoutMs);
  } finally {
    if (sampler) {
      const result = sampler.stop();
      samples = result.samples;
      processes = stack.processes.map((process, index) => {
        const peakKb = result.peaks.get(process.pid) ?? NaN;
        return {
          role: process.role,
          baselineKb: baselines[index]!,
          peakKb,
          growthKb: Math.max(0, peakKb - baselines[index]!),
        };
      });
    }
    if (selfSampler) {
      const { maxKb, samples: count } = await selfSampler.stop();
      samples = count;
      processes = [
        { role: "all", baselineKb: selfBaselineKb, peakKb: maxKb, growthKb: Math.max(0, maxKb - selfBaselineKb) },
      ];
    }
  }
  return { fileBytes, processes, samples, seconds: (now() - started) / 1000, delivered };
}
