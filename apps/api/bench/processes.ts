import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import path from "node:path";

const srcDir = path.resolve(import.meta.dirname, "../src");
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

export type ConduitRole = "api" | "worker" | "inbound";

const entryPoints: Record<ConduitRole, string> = {
  api: "api-main.ts",
  worker: "worker-main.ts",
  inbound: "inbound-main.ts",
};

/** One Conduit process as an operator runs it (`npm run start:api`, `start:worker`, `start:inbound`). */
export interface ConduitProcess {
  role: ConduitRole;
  child: ChildProcess;
  pid: number;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts one role with this environment; its output goes to this process's stderr, prefixed with the role. */
export function spawnConduit(role: ConduitRole, env: Record<string, string>): ConduitProcess {
  const tsx = createRequire(import.meta.url).resolve("tsx");
  // BENCH_PROFILE_DIR: each process writes V8 CPU profiles into <dir>/<role> when it stops (the largest file is its
  // main thread; open it in Chrome's DevTools).
  const profileDir = process.env.BENCH_PROFILE_DIR && path.resolve(process.env.BENCH_PROFILE_DIR, role);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", tsx, path.join(srcDir, entryPoints[role])], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) console.error(`[${role}] ${line}`);
  };
  child.stdout!.on("data", relay);
  child.stderr!.on("data", relay);
  if (child.pid === undefined) throw new Error(`could not start the ${role} process`);
  return { role, child, pid: child.pid };
}

export async function stopConduit(process: ConduitProcess): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  const exited = new Promise((resolve) => process.child.once("exit", resolve));
  process.child.kill("SIGTERM");
  const timer = setTimeout(() => process.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Waits until something accepts TCP connections on the port, or the process died, or the time is up. */
export async function waitForPort(port: number, owner: ConduitProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (owner.child.exitCode !== null) throw new Error(`the ${owner.role} process exited with ${owner.child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`the ${owner.role} process did not listen on ${port} in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function status(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, "utf8");
}

function kbField(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  return match ? Number(match[1]) : NaN;
}

/** Resident set size now, in KB. */
export function rssOf(pid: number): number {
  return kbField(status(pid), "VmRSS");
}

/** The largest resident set size the process has had, in KB (Linux's high-water mark). */
export function peakRssOf(pid: number): number {
  return kbField(status(pid), "VmHWM");
}

/** User + system CPU time the process has used so far, in ms (every thread). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/**
 * CPU ms used so far, per pid, by every process whose command name is one of `names` (e.g. `postgres`,
 * `redis-server`): the services Conduit leans on. Machine-wide: anything else using them at the time is counted too.
 */
export function cpuMsOfServices(names: string[]): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (names.includes(name)) byPid.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/**
 * CPU ms the services used between two readings: each process's increase, all of it for processes that started in
 * between. (What a process used before it exited in between is lost: a connection closed mid-phase.)
 */
export function servicesCpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** CPU ms these processes have used so far, together. */
export function cpuMsOfAll(processes: ConduitProcess[]): number {
  return processes.reduce((sum, process) => sum + cpuMsOf(process.pid), 0);
}

/**
 * Samples the RSS of other processes every `intervalMs` from this process's event loop (it only waits while they
 * work), keeping each one's peak.
 */
export class ProcessRssSampler {
  private readonly peaks = new Map<number, number>();
  private samples = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: number[]) {}

  start(intervalMs = 20): void {
    const sample = () => {
      this.samples += 1;
      for (const pid of this.pids) {
        const kb = rssOf(pid);
        if (kb > (this.peaks.get(pid) ?? 0)) this.peaks.set(pid, kb);
      }
    };
    sample();
    this.timer = setInterval(sample, intervalMs);
  }

  stop(): { peaks: Map<number, number>; samples: number } {
    clearInterval(this.timer);
    return { peaks: this.peaks, samples: this.samples };
  }
}
