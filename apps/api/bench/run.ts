/**
 * `npm run bench`: the whole stack on loopback (a database, queue prefix and folder of its own, removed at the end),
 * measured and compared with the targets of issue 8. Prints a table and rewrites docs/benchmarks.md. Exits 0 when it
 * ran, whatever the numbers; 1 only when it could not run.
 */
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { benchDirectoryImport } from "./directory-import.js";
import { benchCrypto, opensslRsaSignPerSecond } from "./crypto.js";
import { peakRssOf } from "./processes.js";
import { rssKb } from "./rss.js";
import { printTable, writeMarkdown, type Row } from "./report.js";
import { benchApi, benchInbound, benchMemory, benchOutbound } from "./scenarios.js";
import { processModeFromEnv, startStack } from "./stack.js";

const docsFile = path.resolve(import.meta.dirname, "../../../docs/benchmarks.md");
const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback;
/** BENCH_ONLY=inbound (or a comma-separated list of api, outbound, inbound, memory, directory, crypto) runs only those. */
const only = new Set(
  (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((phase) => phase.trim())
    .filter(Boolean),
);
const runs = (phase: string) => only.size === 0 || only.has(phase);

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a";
const mb = (kb: number) => `${fmt(kb / 1024, 0)} MB`;

async function main(): Promise<number> {
  const started = performance.now();
  const mode = processModeFromEnv();
  const rows: Row[] = [];
  const notes: string[] = [];
  const loadAtStart = os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(", ");
  const cleanups: (() => Promise<unknown>)[] = [];
  const step = (text: string) =>
    console.error(
      `[bench ${((performance.now() - started) / 1000).toFixed(0)} s (process ${(performance.now() / 1000).toFixed(0)} s), RSS ${mb(rssKb())}] ${text}`,
    );
  // A hard stop, in case something hangs: the finally below still runs its cleanups first if it can.
  // Each undo step runs once, whoever gets to it first: the finally below or the watchdog.
  const undo = async () => {
    for (const cleanup of cleanups.splice(0).reverse())
      await cleanup().catch((error: Error) => console.error(`cleanup: ${error.message}`));
  };
  // A hard stop in case something hangs: undo what was set up, then exit 1.
  const watchdog = setTimeout(() => {
    console.error("bench: over 270 s, giving up");
    void undo().finally(() => process.exit(1));
  }, 270_000);
  watchdog.unref();
  try {
    notes.push(`load average (1, 5, 15 min) at the start: ${loadAtStart}.`);
    step("starting the stack");
    const stack = await startStack(cleanups, mode);

    if (runs("api")) {
      step("API: 10 connections, 10 s; then 200 req/s, 10 s");
      const api = await benchApi(stack, count("BENCH_API_SECONDS", 10));
      rows.push(
        {
          measure: "POST /endpoint accepted/s (10 connections)",
          value: `${fmt(api.fixed.acceptedPerSecond)} req/s (${api.fixed.accepted} in ${api.fixed.seconds} s, ${api.fixed.non2xx} not 2xx)`,
          target: "",
        },
        {
          measure: "POST /endpoint CPU per request: Conduit; PostgreSQL + Redis",
          value: `${fmt(api.fixed.cpuMsPerRequest, 1)} ms; ${fmt(api.fixed.servicesCpuMsPerRequest, 1)} ms (10 connections), ${fmt(api.rate.cpuMsPerRequest, 1)} ms; ${fmt(api.rate.servicesCpuMsPerRequest, 1)} ms (200 req/s)`,
          target: "",
        },
        {
          measure: "POST /endpoint p50 / p99 (10 connections)",
          value: `${fmt(api.fixed.p50)} / ${fmt(api.fixed.p99)} ms`,
          target: "",
        },
        {
          measure: `POST /endpoint p50 / p99 at ${api.rate.rate} req/s`,
          value: `${fmt(api.rate.p50)} / ${fmt(api.rate.p99)} ms (${api.rate.accepted} accepted, ${api.rate.non2xx} not 2xx)`,
          target: "p99 ≤ 50 ms",
          met: api.rate.p99 <= 50 && api.rate.non2xx === 0,
        },
      );
    }

    if (runs("outbound")) {
      const outboundCount = count("BENCH_OUTBOUND", 300);
      step(`outbound: ${outboundCount} PatientPush to the SMTP sink`);
      const outbound = await benchOutbound(stack, outboundCount);
      if (outbound.undelivered.length)
        notes.push(`outbound: not at the sink when the phase ended: ${outbound.undelivered.join("; ")}.`);
      rows.push(
        {
          measure: `outbound end to end (${outbound.delivered}/${outbound.messages} at the sink)`,
          value: `${fmt(outbound.perSecond, 1)} msg/s`,
          target: "≥ 500 msg/s",
          met: outbound.perSecond >= 500 && outbound.delivered === outbound.messages,
        },
        {
          measure: "outbound POST → sink p50 / p99",
          value: `${fmt(outbound.p50)} / ${fmt(outbound.p99)} ms`,
          target: "",
        },
        {
          measure: "outbound CPU per message: Conduit; PostgreSQL + Redis",
          value: `${fmt(outbound.cpuMsPerMessage, 1)} ms; ${fmt(outbound.servicesCpuMsPerMessage, 1)} ms`,
          target: "",
        },
      );
      notes.push(`outbound: the ${outbound.messages} POSTs themselves took ${fmt(outbound.postSeconds, 1)} s.`);
    }

    if (runs("inbound")) {
      const inboundCount = count("BENCH_INBOUND", 200);
      step(`inbound: sealing ${inboundCount} messages with openssl, then sending them to the listener`);
      const inbound = await benchInbound(stack, inboundCount);
      rows.push(
        {
          measure: `inbound end to end (${inbound.delivered}/${inbound.messages} at the webhook)`,
          value: `${fmt(inbound.perSecond, 1)} msg/s`,
          target: "≥ 300 msg/s",
          met: inbound.perSecond >= 300 && inbound.delivered === inbound.messages,
        },
        {
          measure: "inbound CPU per message (MDN included): Conduit; PostgreSQL + Redis",
          value: `${fmt(inbound.cpuMsPerMessage, 1)} ms; ${fmt(inbound.servicesCpuMsPerMessage, 1)} ms`,
          target: "",
        },
      );
      notes.push(
        `inbound: sealing with openssl took ${fmt(inbound.sealSeconds, 1)} s (not timed); SMTP sending took ${fmt(inbound.sendSeconds, 1)} s of the timed part.`,
      );
    }

    if (runs("memory")) {
      step("memory: one 10 MB Media attachment");
      const memory = await benchMemory(stack, stack.sink);
      const fileKb = memory.fileBytes / 1024;
      const totalGrowthKb = memory.processes.reduce((sum, process) => sum + process.growthKb, 0);
      for (const process of memory.processes) {
        rows.push({
          measure: `RSS growth sending a 10 MB attachment: ${process.role}${memory.delivered ? "" : " (NOT delivered)"}`,
          value: `${mb(process.growthKb)} (${fmt(process.growthKb / fileKb, 1)}× the file; ${mb(process.baselineKb)} → ${mb(process.peakKb)})`,
          target: "",
        });
      }
      rows.push({
        measure: `RSS growth sending a 10 MB attachment, all of Conduit (${fmt(memory.seconds, 1)} s, ${memory.samples} samples)`,
        value: `${mb(totalGrowthKb)} (${fmt(totalGrowthKb / fileKb, 1)}× the file)`,
        target: "≤ 10× (100 MB)",
        met: memory.delivered && totalGrowthKb / fileKb <= 10,
      });
      if (stack.mode === "separate") {
        for (const process of stack.processes) {
          const peakKb = peakRssOf(process.pid);
          rows.push({
            measure: `peak RSS, ${process.role} process (before the directory and crypto runs)`,
            value: mb(peakKb),
            target: process.role === "inbound" ? "" : "< 300 MB",
            met: process.role === "inbound" ? undefined : peakKb < 300 * 1024,
          });
        }
      } else {
        const maxRssKb = process.resourceUsage().maxRSS;
        rows.push({
          measure: "peak RSS (API + worker + listener, one process; before the directory and crypto runs)",
          value: mb(maxRssKb),
          target: "< 300 MB",
          met: maxRssKb < 300 * 1024,
        });
      }
    }

    if (runs("directory")) {
      step("directory import: 10,000 NPPES rows (bench/directory-import.ts, a database of its own)");
      const [directory] = await benchDirectoryImport([10_000]);
      if (directory)
        rows.push({
          measure: `directory import, ${fmt(directory.rows)} NPPES rows (${fmt(directory.fileBytes / 1024 / 1024, 1)} MB)`,
          value: `parse ${fmt(directory.parseMs)} ms, first import ${fmt(directory.firstImportMs)} ms, re-import (2% changed) ${fmt(directory.reimportMs)} ms`,
          target: "",
        });
    }

    if (runs("crypto")) {
      step("crypto: seal and open, 3 s each; openssl speed rsa2048");
      const crypto = await benchCrypto(3);
      const opensslSign = await opensslRsaSignPerSecond(3);
      const ratio = (perSecond: number) =>
        opensslSign ? ` (${fmt((100 * perSecond) / opensslSign)}% of openssl)` : "";
      rows.push(
        {
          measure: `seal/s, one core (${fmt(crypto.originalBytes / 1024)} KB message)`,
          value: `${fmt(crypto.sealsPerSecond)}/s${ratio(crypto.sealsPerSecond)}`,
          target: "≥ 50% of openssl sign/s",
          met: opensslSign ? crypto.sealsPerSecond >= opensslSign / 2 : undefined,
        },
        {
          measure: "open/s, one core",
          value: `${fmt(crypto.opensPerSecond)}/s${ratio(crypto.opensPerSecond)}`,
          target: "≥ 50% of openssl sign/s",
          met: opensslSign ? crypto.opensPerSecond >= opensslSign / 2 : undefined,
        },
        { measure: "openssl speed rsa2048 sign/s", value: opensslSign ? `${fmt(opensslSign)}/s` : "n/a", target: "" },
      );
    }
  } catch (error) {
    console.error("bench failed:", error);
    notes.push(`The run stopped early: ${(error as Error).message}`);
    return 1;
  } finally {
    step("cleaning up");
    await undo();
    clearTimeout(watchdog);
    if (rows.length) {
      printTable(rows);
      const seconds = (performance.now() - started) / 1000;
      if (only.size === 0) {
        await mkdir(path.dirname(docsFile), { recursive: true });
        await writeMarkdown(docsFile, rows, notes, seconds, mode);
        console.log(`written to ${path.relative(process.cwd(), docsFile)} (${seconds.toFixed(0)} s)`);
      } else {
        for (const note of notes) console.log(`note: ${note}`);
        console.log(`BENCH_ONLY: ${path.relative(process.cwd(), docsFile)} left as it was (${seconds.toFixed(0)} s)`);
      }
    }
  }
  return 0;
}

process.exit(await main());
