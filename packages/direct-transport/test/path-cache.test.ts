import { X509Certificate } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { validateCertificatePath, type ValidationPolicy } from "../src/index.js";
import { TestPki, type TestIdentity } from "./helpers/pki.js";

/**
 * Built paths are reused, but only the name-and-signature part: validity times, key sizes, algorithms, revocation
 * and key usage are checked again on every call.
 */
let ca: TestIdentity;
let intermediate: TestIdentity;
let otherCa: TestIdentity;
let leaf: TestIdentity;

beforeAll(async () => {
  const pki = new TestPki();
  [ca, otherCa] = await Promise.all([pki.ca("Path Cache CA"), pki.ca("Path Cache Other CA")]);
  intermediate = await pki.issue("Path Cache Intermediate", ca, { ca: true });
  leaf = await pki.issue("leaf", intermediate, { emails: ["leaf@a.example"] });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const validate = (anchors: X509Certificate[], policy?: ValidationPolicy) =>
  validateCertificatePath({
    leaf: leaf.certificate,
    intermediates: [intermediate.certificate],
    anchors,
    purpose: "signing",
    policy,
  });

describe("certificate path cache", () => {
  it("verifies signatures once, then reuses the path for the same certificates and anchors", async () => {
    const verify = vi.spyOn(X509Certificate.prototype, "verify");
    const first = await validate([ca.certificate]);
    expect(first.map((c) => c.subject)).toEqual(["CN=leaf", "CN=Path Cache Intermediate", "CN=Path Cache CA"]);
    const verified = verify.mock.calls.length;
    expect(verified).toBeGreaterThan(0);
    const second = await validate([ca.certificate]);
    expect(verify.mock.calls.length).toBe(verified);
    expect(second).toEqual(first);
    // The path holds the objects given in this call (equal DER), not those of an earlier call.
    const copy = new X509Certificate(intermediate.certificate.raw);
    const third = await validateCertificatePath({
      leaf: leaf.certificate,
      intermediates: [copy],
      anchors: [ca.certificate],
      purpose: "signing",
    });
    expect(third[1]).toBe(copy);
  });

  it("still checks revocation on a reused path", async () => {
    await validate([ca.certificate]);
    await expect(
      validate([ca.certificate], { isRevoked: (c) => c.serialNumber === leaf.certificate.serialNumber }),
    ).rejects.toMatchObject({ code: "revoked" });
  });

  it("still checks validity times on a reused path", async () => {
    await validate([ca.certificate]);
    await expect(validate([ca.certificate], { at: new Date(Date.now() + 400 * 86400_000) })).rejects.toMatchObject({
      code: "expired-signer",
    });
  });

  it("does not reuse a path for other anchors", async () => {
    await validate([ca.certificate]);
    await expect(validate([otherCa.certificate])).rejects.toMatchObject({ code: "untrusted-anchor" });
  });

  it("builds the path again after five minutes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    await validate([ca.certificate, otherCa.certificate]);
    const verify = vi.spyOn(X509Certificate.prototype, "verify");
    await validate([ca.certificate, otherCa.certificate]);
    expect(verify).not.toHaveBeenCalled();
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1);
    await validate([ca.certificate, otherCa.certificate]);
    expect(verify).toHaveBeenCalled();
  });
});
