import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** One temporary folder per test run for generated keys and certificates, removed when the run ends. */
export function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), "conduit-pki-run-"));
  process.env["CONDUIT_PKI_ROOT"] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
