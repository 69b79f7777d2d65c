import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs the openssl CLI (the independent peer) with `input` on stdin; resolves with stdout bytes. */
export async function openssl(args: string[], input?: Buffer): Promise<Buffer> {
  const child = run("openssl", args, { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout;
}
