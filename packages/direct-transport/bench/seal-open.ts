/**
 * Seal and open throughput on this machine: `npx tsx bench/seal-open.ts` from the package folder.
 * One recipient, a 48 KB C-CDA attachment, RSA 2048.
 */
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { composeOriginalMessage, openMessage, sealMessage, TrustAnchors } from "../src/index.js";
import { TestPki } from "../test/helpers/pki.js";

const ccd = readFileSync(fileURLToPath(new URL("../../../../shared/fixtures/ccda/CCD.xml", import.meta.url)));
const pki = new TestPki();
const ca = await pki.ca("Bench CA");
const alice = await pki.issue("alice", ca, { emails: ["alice@a.example"] });
const bob = await pki.issue("bob", ca, { emails: ["bob@b.example"] });
const trust = new TrustAnchors().add("*", [ca.certificate]);
const original = await composeOriginalMessage({
  from: "alice@a.example",
  to: ["bob@b.example"],
  subject: "Summary of care",
  messageId: "<bench@a.example>",
  date: new Date(),
  text: "See attached.",
  attachments: [{ filename: "CCD.xml", contentType: "application/xml", content: ccd }],
});

for (const keyTransport of ["rsa-oaep-sha256", "rsa-pkcs1-v1_5"] as const) {
  const options = { signer: alice, recipients: [{ certificate: bob.certificate, keyTransport }] };
  const n = 300;
  let sealed = sealMessage(original, options);
  let start = performance.now();
  for (let i = 0; i < n; i++) sealed = sealMessage(original, options);
  const sealMs = (performance.now() - start) / n;
  start = performance.now();
  for (let i = 0; i < n; i++) {
    await openMessage(sealed, {
      credentials: [bob],
      trust,
      envelope: { from: "alice@a.example", to: ["bob@b.example"] },
    });
  }
  const openMs = (performance.now() - start) / n;
  console.log(
    `${keyTransport}: message ${original.length} B, sealed ${sealed.length} B; seal ${sealMs.toFixed(2)} ms (${(1000 / sealMs).toFixed(0)}/s), open ${openMs.toFixed(2)} ms (${(1000 / openMs).toFixed(0)}/s)`,
  );
}
rmSync(pki.dir, { recursive: true, force: true });
