import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as prettier from "prettier";

export interface Row {
  measure: string;
  value: string;
  target: string;
  /** true met, false missed, undefined: no target or not measured. */
  met?: boolean;
}

export function machineFacts(): Record<string, string> {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return {
    CPU: cpu,
    cores: String(os.availableParallelism()),
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GB`,
    Node: process.version,
    "load average (1, 5, 15 min) at the end": os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(", "),
    date: new Date().toISOString(),
  };
}

const verdict = (row: Row) => (row.met === undefined ? "" : row.met ? "met" : "MISSED");

export function printTable(rows: Row[]): void {
  console.table(rows.map((row) => ({ measure: row.measure, value: row.value, target: row.target, "": verdict(row) })));
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

const howItRuns: Record<"separate" | "one", string[]> = {
  separate: [
    "What runs: Conduit as three processes, started as an operator starts them (`src/api-main.ts`,",
    "`src/worker-main.ts`, `src/inbound-main.ts`, like `npm run start:api` etc., with `MALLOC_ARENA_MAX=2`): the API, the",
    "worker (`WORKER_CONCURRENCY=50`, `INBOUND_CONCURRENCY=50`, `WEBHOOK_CONCURRENCY=100`, `DATABASE_POOL_SIZE=20`)",
    "and the inbound SMTP listener. The `smtp` adapter signs with the organization's certificate, encrypts for a",
    "configured recipient certificate (RSA 2048, OAEP-SHA256, AES-256-CBC) and delivers over STARTTLS to a local SMTP",
    "sink (the peer HISP); a local webhook receiver takes inbound content. Keys and certificates are issued at start-up.",
    "The bench process holds the sink, the webhook receiver and the clients; autocannon and curl run as child processes.",
    "`BENCH_PROCESSES=one` runs Conduit inside the bench process instead (for `node --cpu-prof` of the whole path).",
  ],
  one: [
    "What runs (`BENCH_PROCESSES=one`): Conduit through `initConduit` with the API, the worker and the inbound SMTP",
    "listener **all in the bench's own process**, beside the SMTP sink and the webhook receiver; the figures per",
    "process are then one figure for everything. Run without `BENCH_PROCESSES` for the committed numbers.",
  ],
};

/** Rewrites docs/benchmarks.md: what is measured and how, then this run's table and machine. */
export async function writeMarkdown(
  file: string,
  rows: Row[],
  notes: string[],
  seconds: number,
  mode: "separate" | "one",
): Promise<void> {
  const facts = machineFacts();
  const text = [
    "# Benchmarks",
    "",
    "`npm run bench` (from the repository root) starts the whole stack on loopback and measures it, in about three",
    "minutes. It needs PostgreSQL on `127.0.0.1:5432` and Redis on `127.0.0.1:6379`; it makes a database and a queue",
    "prefix of its own and removes them at the end, whatever happens. It exits 0 when it ran: a missed target is",
    "reported, not a failure. It rewrites this file each time (the section below).",
    "",
    ...howItRuns[mode],
    "",
    "| measure | how |",
    "| --- | --- |",
    "| API accepted/s, p50, p99 | autocannon (child process), `POST /endpoint` with the 37 KB PatientPush sample, 10 connections for 10 s. The outbound worker is paused meanwhile (the API alone is measured) and the queued jobs are removed afterwards |",
    "| API p99 at 200 req/s | the same at a fixed offered rate (`overallRate: 200`) for 10 s |",
    "| outbound end to end | 300 PatientPush POSTs (16 at a time, each with its own document id) until the SMTP sink has every sealed message, matched by the outer Message-ID; messages/s = delivered / (last arrival − first POST); latency per message from its POST to its arrival |",
    "| inbound end to end | 200 distinct C-CDA messages sealed with the openssl CLI before the clock starts, sent over a pooled nodemailer transport (5 connections, STARTTLS) to the listener; messages/s = webhook PatientPush POSTs / (last POST − first send). Each also makes a processed MDN that goes out to the sink |",
    "| seal/s, open/s | `sealMessage` / `openMessage` of a 48 KB C-CDA (a 65 KB original message) in a loop for 3 s each, on the main thread (one core); per second of CPU time, as `openssl speed` counts |",
    "| openssl rsa2048 sign/s | `openssl speed -seconds 3 rsa2048`, private-key operations per second, one core; seal and open each do one private-key operation (sign, or decrypt the content key) |",
    "| directory import | `bench/directory-import.ts`: an NPPES endpoint file of 10,000 rows parsed, imported into an empty directory, then imported again with 1% changed, 0.5% removed and 0.5% added, on a database of its own |",
    "| peak RSS | each Conduit process's high-water mark (`VmHWM` in `/proc/<pid>/status`) after the 10 MB attachment, before the directory import and the crypto loops (which run in the bench process) |",
    "| 10 MB attachment | one Media `New` with a 10 MiB file POSTed by curl; each Conduit process's RSS sampled every 20 ms from the POST until the sink has the sealed message; growth = peak − RSS just before, per process and summed (the target is judged on the sum) |",
    "| CPU per request / message | user + system CPU time of the Conduit processes (`/proc/<pid>/stat`), and of every `postgres` and `redis-server` process on the machine, over the phase, divided by the requests or messages. Steadier on a busy machine than the rates: the rates fall when other work takes the cores, the CPU each message costs much less so. The services' figure counts anything else using them at the time |",
    "",
    "The machine is small (2 cores) and was shared with other work during the committed run (see the load average), so",
    "the rates and latencies are noisy and low: read them as an order of magnitude, and compare runs on the same machine",
    "only. The CPU per message is the steadier figure: 1000 / (CPU ms per message) is roughly what one idle core could",
    "do.",
    "",
    "Where the time and memory go, what was changed to get here and what limits the figures now:",
    "[performance.md](performance.md) (written by hand from profiles; this file is rewritten by each run).",
    "",
    "## Latest run",
    "",
    ...Object.entries(facts).map(([key, value]) => `- ${key}: ${value}`),
    `- duration: ${seconds.toFixed(0)} s`,
    "",
    "| measure | value | target | |",
    "| --- | --- | --- | --- |",
    ...rows.map((row) => `| ${cell(row.measure)} | ${cell(row.value)} | ${cell(row.target)} | ${verdict(row)} |`),
    "",
    ...(notes.length ? ["Notes:", "", ...notes.map((note) => `- ${note}`), ""] : []),
  ].join("\n");
  const options = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(text, { ...options, parser: "markdown", filepath: path.basename(file) }));
}
