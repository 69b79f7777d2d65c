import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  credentialsFromPem,
  credentialsFromPkcs12,
  CredentialStore,
  loadCertificates,
  openMessage,
  sealMessage,
  TrustAnchors,
  validateCertificatePath,
} from "../src/index.js";
import { openssl } from "./helpers/openssl.js";
import { originalMessage } from "./helpers/messages.js";
import { KeyUsageFlags, TestPki, type TestIdentity } from "./helpers/pki.js";

let pki: TestPki;
let root: TestIdentity;
let intermediate: TestIdentity;
let alice: TestIdentity;
let bob: TestIdentity;

beforeAll(async () => {
  pki = new TestPki();
  root = await pki.ca("Root CA");
  intermediate = await pki.issue("Intermediate CA", root, {
    ca: true,
    notAfter: new Date(Date.now() + 1000 * 86400_000),
  });
  [alice, bob] = await Promise.all([
    pki.issue("alice", intermediate, { emails: ["alice@a.example"] }),
    pki.issue("bob", root, { emails: ["bob@b.example"] }),
  ]);
});

describe("Conduit's own credentials", () => {
  it("loads a PKCS#12 file as OpenSSL 3 writes it, with its chain", async () => {
    const p12 = await openssl([
      "pkcs12",
      "-export",
      "-inkey",
      alice.files.key,
      "-in",
      alice.files.cert,
      "-certfile",
      intermediate.files.cert,
      "-passout",
      "pass:correct horse",
    ]);
    const credentials = await credentialsFromPkcs12(p12, "correct horse");
    expect(credentials.certificate.raw.equals(alice.certificate.raw)).toBe(true);
    expect(credentials.chain.map((c) => c.subject)).toEqual([intermediate.certificate.subject]);
    expect(credentials.certificate.checkPrivateKey(credentials.privateKey)).toBe(true);
    await expect(credentialsFromPkcs12(p12, "wrong")).rejects.toMatchObject({ code: "no-credentials" });
  });

  it("loads PEM certificate + key and refuses a key that does not match", () => {
    const pem = { certificate: readFileSync(alice.files.cert), privateKey: readFileSync(alice.files.key) };
    expect(credentialsFromPem(pem).certificate.subject).toBe(alice.certificate.subject);
    expect(() => credentialsFromPem({ ...pem, privateKey: readFileSync(bob.files.key) })).toThrow(/does not match/);
  });

  it("prefers an address's own credentials over its domain's", async () => {
    const domain = await pki.issue("a.example", intermediate, { dnsNames: ["a.example"] });
    const store = new CredentialStore().add("a.example", domain).add("alice@a.example", alice);
    expect(store.signerFor("ALICE@a.example")).toBe(alice);
    expect(store.signerFor("zoe@a.example")).toBe(domain);
    expect(() => store.signerFor("x@z.example")).toThrow(/no valid signing certificate/);
  });
});

describe("trust anchors and bundles", () => {
  it("reads a PKCS#7 trust bundle (DER and PEM) and a PEM list", async () => {
    const der = await openssl([
      "crl2pkcs7",
      "-nocrl",
      "-certfile",
      root.files.cert,
      "-certfile",
      intermediate.files.cert,
      "-outform",
      "DER",
    ]);
    expect(loadCertificates(der).map((c) => c.subject)).toEqual([
      root.certificate.subject,
      intermediate.certificate.subject,
    ]);
    const pem = await openssl(["crl2pkcs7", "-nocrl", "-certfile", root.files.cert]);
    expect(loadCertificates(pem)).toHaveLength(1);
    const list = readFileSync(root.files.cert, "utf8") + readFileSync(bob.files.cert, "utf8");
    expect(loadCertificates(list)).toHaveLength(2);
  });

  it("applies anchors per receiving domain or address", async () => {
    const trust = new TrustAnchors()
      .add("b.example", readFileSync(root.files.cert))
      .add("carol@c.example", [root.certificate]);
    const check = (local: string) =>
      validateCertificatePath({
        leaf: alice.certificate,
        intermediates: [intermediate.certificate],
        anchors: trust.anchorsFor(local),
        purpose: "signing",
      });
    await expect(check("bob@b.example")).resolves.toHaveLength(3);
    await expect(check("carol@c.example")).resolves.toHaveLength(3);
    await expect(check("dave@c.example")).rejects.toMatchObject({ code: "untrusted-anchor" });
  });

  it("verifies a signer through an intermediate carried in the signature, as openssl does", async () => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const sealed = sealMessage(original, {
      signer: { ...alice, chain: [intermediate.certificate] },
      recipients: [{ certificate: bob.certificate }],
    });
    const opened = await openMessage(sealed, {
      credentials: [bob],
      trust: new TrustAnchors().add("b.example", [root.certificate]),
      envelope: { from: "alice@a.example", to: ["bob@b.example"] },
    });
    expect(opened.signerPath.map((c) => c.subject)).toEqual([
      alice.certificate.subject,
      intermediate.certificate.subject,
      root.certificate.subject,
    ]);
    const decrypted = await openssl([
      "cms",
      "-decrypt",
      "-recip",
      bob.files.cert,
      "-inkey",
      bob.files.key,
      "-in",
      pki.write("chain.eml", sealed),
    ]);
    await openssl(["cms", "-verify", "-CAfile", root.files.cert, "-purpose", "any"], decrypted);
  });

  it("refuses a signer whose key usage does not allow signatures", async () => {
    const encryptOnly = await pki.issue("alice", root, {
      emails: ["alice@a.example"],
      keyUsage: KeyUsageFlags.keyEncipherment,
    });
    await expect(
      validateCertificatePath({
        leaf: encryptOnly.certificate,
        intermediates: [],
        anchors: [root.certificate],
        purpose: "signing",
      }),
    ).rejects.toMatchObject({ code: "key-usage" });
  });

  it("refuses an RSA key under 2048 bits", async () => {
    const small = await pki.issue("alice", root, { emails: ["alice@a.example"], bits: 1024 });
    await expect(
      validateCertificatePath({
        leaf: small.certificate,
        intermediates: [],
        anchors: [root.certificate],
        purpose: "signing",
      }),
    ).rejects.toMatchObject({ code: "weak-algorithm", message: expect.stringMatching(/1024 bits/) });
  });

  it("refuses a revoked signer when the revocation hook says so", async () => {
    await expect(
      validateCertificatePath({
        leaf: bob.certificate,
        intermediates: [],
        anchors: [root.certificate],
        purpose: "signing",
        policy: { isRevoked: (c) => c.serialNumber === bob.certificate.serialNumber },
      }),
    ).rejects.toMatchObject({ code: "revoked" });
  });
});
