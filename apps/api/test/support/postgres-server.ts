import { execFileSync, spawn } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";

function binDir(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort();
  return path.join("/usr/lib/postgresql", versions.at(-1)!, "bin");
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(command: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? { command: "runuser", args: ["-u", "postgres", "--", command, ...args] } : { command, args };
}

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary folder, a free loopback port, trust auth), so a test
 * may stop and start it without touching the server every other test uses.
 */
export class PrivatePostgres {
  port = 0;
  private dir = "";

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/conduit_private`;
  }

  async init(): Promise<void> {
    this.port = await freePort();
    this.dir = mkdtempSync(path.join(tmpdir(), "conduit-pg-"));
    if (process.getuid?.() === 0)
      chownSync(
        this.dir,
        Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
        Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
      );
    const { command, args } = asPostgres(path.join(binDir(), "initdb"), [
      "-D",
      path.join(this.dir, "data"),
      "-U",
      "postgres",
      "-A",
      "trust",
      "--no-sync",
    ]);
    execFileSync(command, args, { stdio: "ignore" });
    await this.start();
  }

  async start(): Promise<void> {
    const { command, args } = asPostgres(path.join(binDir(), "pg_ctl"), [
      "-D",
      path.join(this.dir, "data"),
      "-o",
      `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off`,
      "-l",
      path.join(this.dir, "log"),
      "-w",
      "start",
    ]);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { stdio: "ignore" });
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl start exited ${code}`))));
    });
  }

  async stop(): Promise<void> {
    const { command, args } = asPostgres(path.join(binDir(), "pg_ctl"), [
      "-D",
      path.join(this.dir, "data"),
      "-m",
      "immediate",
      "-w",
      "stop",
    ]);
    await new Promise<void>((resolve) => {
      const child = spawn(command, args, { stdio: "ignore" });
      child.on("exit", () => resolve());
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
