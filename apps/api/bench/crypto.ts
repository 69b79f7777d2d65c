import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import {
  composeOriginalMessage,
  issueCertificate,
  openMessage,
  sealMessage,
  TrustAnchors,
} from "@conduit/direct-transport";
import { fixturesDir } from "../test/support/fixtures.js";

export interface CryptoResult {
  originalBytes: number;
  sealsPerSecond: number;
  opensPerSecond: number;
  opensslSignPerSecond?: number;
}

/**
 * Seals then opens a 48 KB C-CDA message (RSA 2048, OAEP-SHA256, AES-256-CBC) in a loop, `seconds` each, on one core;
 * rates per CPU second.
 */
export async function benchCrypto(seconds = 3): Promise<CryptoResult> {
  const ca = await issueCertificate({ commonName: "Bench crypto CA", ca: true });
  const alice = await issueCertificate({ commonName: "alice@a.example", emails: ["alice@a.example"] }, ca);
  const bob = await issueCertificate({ commonName: "bob@b.example", emails: ["bob@b.example"] }, ca);
  const trust = new TrustAnchors().add("*", [ca.certificate]);
  const original = await composeOriginalMessage({
    from: "alice@a.example",
    to: ["bob@b.example"],
    subject: "Summary of care",
    messageId: "<bench-crypto@a.example>",
    date: new Date(),
    text: "See attached.",
    attachments: [
      {
        filename: "CCD.xml",
        contentType: "application/xml",
        content: readFileSync(path.join(fixturesDir, "ccda/CCD.xml")),
      },
    ],
  });
  const options = { signer: alice, recipients: [{ certificate: bob.certificate }] };
  let sealed = sealMessage(original, options);
  await openMessage(sealed, { credentials: [bob], trust }); // warm-up

  // Rates per second of CPU time, as `openssl speed` counts by default: on a busy machine, wall-clock time would also
  // count the time other processes had the core.
  let seals = 0;
  let started = performance.now();
  let cpu = process.cpuUsage();
  while (performance.now() - started < seconds * 1000) {
    sealed = sealMessage(original, options);
    seals += 1;
  }
  const sealsPerSecond = seals / cpuSecondsSince(cpu);

  let opens = 0;
  started = performance.now();
  cpu = process.cpuUsage();
  const envelope = { from: "alice@a.example", to: ["bob@b.example"] };
  while (performance.now() - started < seconds * 1000) {
    await openMessage(sealed, { credentials: [bob], trust, envelope });
    opens += 1;
  }
  const opensPerSecond = opens / cpuSecondsSince(cpu);
  return { originalBytes: original.length, sealsPerSecond, opensPerSecond };
}

function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** `openssl speed -seconds N rsa2048`: private-key operations (sign) per second on one core. */
export async function opensslRsaSignPerSecond(seconds = 3): Promise<number | undefined> {
  try {
    const { stdout } = await promisify(execFile)("openssl", ["speed", "-seconds", String(seconds), "rsa2048"], {
      timeout: (seconds * 4 + 20) * 1000,
    });
    const match = /^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/m.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
