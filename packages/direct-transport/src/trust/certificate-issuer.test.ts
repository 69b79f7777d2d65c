import { describe, expect, it } from "vitest";
import { issueCertificate } from "./certificate-issuer.js";

describe("issueCertificate", () => {
  it("issues an address-bound certificate that chains to its CA and matches its key", async () => {
    const ca = await issueCertificate({ commonName: "Dev CA", ca: true });
    const leaf = await issueCertificate({ commonName: "dev sender", emails: ["dev@direct.example.org"] }, ca);
    expect(leaf.certificate.checkIssued(ca.certificate)).toBe(true);
    expect(leaf.certificate.verify(ca.certificate.publicKey)).toBe(true);
    expect(leaf.certificate.checkPrivateKey(leaf.privateKey)).toBe(true);
    expect(leaf.certificate.subjectAltName).toBe("email:dev@direct.example.org");
    expect(leaf.certificate.ca).toBe(false);
    expect(ca.certificate.ca).toBe(true);
    expect(leaf.chain[0]!.fingerprint256).toBe(ca.certificate.fingerprint256);
  });
});
