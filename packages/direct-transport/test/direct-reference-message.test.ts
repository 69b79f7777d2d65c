import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCertificates, loadPrivateKey, openMessage, TrustAnchors, type DirectCredentials } from "../src/index.js";

const fixtures = fileURLToPath(new URL("../../../../shared/fixtures/direct/", import.meta.url));
const read = (name: string) => readFileSync(fixtures + name);

/**
 * The Direct Project Java reference implementation's own message: PKCS#1 v1.5 key transport, AES-128-CBC,
 * `micalg=sha256`, message/rfc822 inside. Its signature is SHA-256, but its certificates (signer, recipient and the
 * anchor) are signed with SHA-1, which Conduit refuses by default; the test opts in with the explicit policy flag
 * `allowSha1CertificateSignatures`. The certificates are valid until 2048, so no validation-time override is needed.
 */
describe("Direct reference implementation EncryptedMessage2.txt", () => {
  const ryan: DirectCredentials = {
    certificate: new X509Certificate(read("ryan.der")),
    privateKey: loadPrivateKey(read("ryanKey.der")),
    chain: [],
  };
  const trust = new TrustAnchors().add("securehealthemail.com", loadCertificates(read("secureHealthEmailCACert.der")));
  const message = read("EncryptedMessage2.txt");

  it("opens with ryan's key and verifies against secureHealthEmailCACert, from gm2552", async () => {
    const opened = await openMessage(message, {
      credentials: [ryan],
      trust,
      envelope: { from: "gm2552@securehealthemail.com", to: ["ryan@securehealthemail.com"] },
      policy: { allowSha1CertificateSignatures: true },
    });
    expect(opened.sender).toBe("gm2552@securehealthemail.com");
    expect(opened.recipients).toEqual(["ryan@securehealthemail.com"]);
    expect(opened.algorithms).toEqual({
      keyTransport: "rsa-pkcs1-v1_5",
      contentEncryption: "aes-128-cbc",
      digest: "sha256",
    });
    expect(opened.headers.find((h) => h.name === "Subject")?.value).toBe("test pic");
    expect(opened.signer.subject).toContain("gm2552@securehealthemail.com");
  });

  it("is refused under the default policy because its certificates are signed with SHA-1", async () => {
    await expect(openMessage(message, { credentials: [ryan], trust })).rejects.toMatchObject({
      code: "weak-algorithm",
    });
  });
});
