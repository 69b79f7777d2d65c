import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as pkijs from "pkijs";
import {
  decryptEnvelopedData,
  envelopeContent,
  openMessage,
  signEntity,
  parseEntity,
  sealMessage,
  TrustAnchors,
  type DirectSecurityErrorCode,
  type KeyTransport,
  type ContentEncryption,
} from "../src/index.js";
import { openssl } from "./helpers/openssl.js";
import { TestPki, type TestIdentity } from "./helpers/pki.js";
import { originalMessage } from "./helpers/messages.js";

/**
 * Interop with an independent implementation: openssl cms (OpenSSL 3) opens what Conduit seals, and Conduit opens
 * what openssl seals.
 */
let pki: TestPki;
let ca: TestIdentity;
let alice: TestIdentity; // sender at a.example
let bob: TestIdentity; // recipient at b.example
let trust: TrustAnchors;

beforeAll(async () => {
  pki = new TestPki();
  ca = await pki.ca("Conduit Test CA");
  [alice, bob] = await Promise.all([
    pki.issue("alice", ca, { emails: ["alice@a.example"] }),
    pki.issue("b.example", ca, { dnsNames: ["b.example"] }),
  ]);
  trust = new TrustAnchors().add("b.example", [ca.certificate]).add("a.example", [ca.certificate]);
});

const combinations: [KeyTransport, ContentEncryption][] = [
  ["rsa-oaep-sha256", "aes-128-cbc"],
  ["rsa-oaep-sha256", "aes-256-cbc"],
  ["rsa-pkcs1-v1_5", "aes-128-cbc"],
  ["rsa-pkcs1-v1_5", "aes-256-cbc"],
];

describe("what Conduit seals, openssl cms opens", () => {
  it.each(combinations)(
    "%s with %s: decrypts, verifies against Conduit's anchor, and holds the original",
    async (kt, ce) => {
      const original = await originalMessage("alice@a.example", ["bob@b.example"]);
      const sealed = sealMessage(original, {
        signer: alice,
        recipients: [{ certificate: bob.certificate, keyTransport: kt }],
        contentEncryption: ce,
      });
      const outer = parseEntity(sealed);
      expect(outer.headers.map((h) => h.name)).not.toContain("Subject");
      const file = pki.write(`sealed-${kt}-${ce}.eml`, sealed);
      const decrypted = await openssl([
        "cms",
        "-decrypt",
        "-recip",
        bob.files.cert,
        "-inkey",
        bob.files.key,
        "-in",
        file,
      ]);
      const verified = await openssl(["cms", "-verify", "-CAfile", ca.files.cert, "-purpose", "any"], decrypted);
      const inner = parseEntity(verified);
      expect(inner.headers[0]).toEqual({ name: "Content-Type", value: "message/rfc822" });
      expect(inner.body.equals(original)).toBe(true);
      expect(original.toString()).toContain(
        "Disposition-Notification-Options: X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,true",
      );
    },
  );
});

/** Signs with openssl cms -sign (detached, SHA-256 unless told) and encrypts with openssl cms -encrypt. */
async function opensslSeal(
  original: Buffer,
  options: {
    signer: TestIdentity;
    recipient: TestIdentity;
    keyTransport: "oaep" | "oaep-sha1" | "oaep-sha256-mgf1-sha1" | "oaep-sha384" | "pkcs1";
    cipher: "-aes128" | "-aes192" | "-aes256" | "-des3";
    md?: string;
    tamper?: boolean;
    from?: string;
  },
): Promise<Buffer> {
  const wrapped = Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), original]);
  let signed = await openssl(
    [
      "cms",
      "-sign",
      "-binary",
      "-signer",
      options.signer.files.cert,
      "-inkey",
      options.signer.files.key,
      "-md",
      options.md ?? "sha256",
    ],
    wrapped,
  );
  if (options.tamper) signed = Buffer.from(signed.toString("latin1").replace("Please see", "Please ignore"), "latin1");
  const keyopt =
    options.keyTransport === "oaep"
      ? ["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256"]
      : options.keyTransport === "oaep-sha1"
        ? ["-keyopt", "rsa_padding_mode:oaep"]
        : options.keyTransport === "oaep-sha256-mgf1-sha1"
          ? ["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha1"]
          : options.keyTransport === "oaep-sha384"
            ? ["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha384", "-keyopt", "rsa_mgf1_md:sha384"]
            : [];
  return openssl(
    [
      "cms",
      "-encrypt",
      "-binary",
      options.cipher,
      "-recip",
      options.recipient.files.cert,
      ...keyopt,
      "-from",
      options.from ?? "alice@a.example",
      "-to",
      "bob@b.example",
    ],
    signed,
  );
}

describe("what openssl cms seals, Conduit opens", () => {
  it.each([
    ["oaep", "-aes128", "rsa-oaep-sha256", "aes-128-cbc"],
    ["oaep", "-aes256", "rsa-oaep-sha256", "aes-256-cbc"],
    ["pkcs1", "-aes128", "rsa-pkcs1-v1_5", "aes-128-cbc"],
    ["pkcs1", "-aes256", "rsa-pkcs1-v1_5", "aes-256-cbc"],
    ["oaep-sha1", "-aes192", "rsa-oaep-sha1", "aes-192-cbc"],
    ["oaep-sha256-mgf1-sha1", "-aes128", "rsa-oaep-sha256-mgf1-sha1", "aes-128-cbc"],
    ["oaep-sha384", "-aes256", "rsa-oaep-sha384", "aes-256-cbc"],
  ] as const)("%s %s: opens, verifies, unwraps the original", async (kt, cipher, expectedKt, expectedCipher) => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const sealed = await opensslSeal(original, { signer: alice, recipient: bob, keyTransport: kt, cipher });
    const opened = await openMessage(sealed, {
      credentials: [bob],
      trust,
      envelope: { from: "alice@a.example", to: ["bob@b.example"] },
    });
    expect(opened.original.equals(original)).toBe(true);
    expect(opened.sender).toBe("alice@a.example");
    expect(opened.recipients).toEqual(["bob@b.example"]);
    expect(opened.algorithms).toEqual({
      keyTransport: expectedKt,
      contentEncryption: expectedCipher,
      digest: "sha256",
    });
    expect(opened.signerPath.at(-1)?.raw.equals(ca.certificate.raw)).toBe(true);
  });
});

describe("refusals, each with its reason", () => {
  async function refusal(
    sealed: Promise<Buffer> | Buffer,
    envelope = { from: "alice@a.example", to: ["bob@b.example"] },
  ) {
    try {
      await openMessage(await sealed, { credentials: [bob], trust, envelope });
    } catch (error) {
      return error as { code: DirectSecurityErrorCode; message: string };
    }
    throw new Error("the message was accepted");
  }
  const conduitSeal = async (signer: TestIdentity, from = "alice@a.example", recipient = bob) =>
    sealMessage(await originalMessage(from, ["bob@b.example"]), {
      signer,
      recipients: [{ certificate: recipient.certificate }],
    });

  it("a signer from an untrusted CA", async () => {
    const rogueCa = await pki.ca("Rogue CA");
    const impostor = await pki.issue("alice", rogueCa, { emails: ["alice@a.example"] });
    const error = await refusal(conduitSeal(impostor));
    expect(error.code).toBe("untrusted-anchor");
    expect(error.message).toMatch(/does not chain to a trust anchor/);
  });

  it("a tampered body", async () => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const error = await refusal(
      opensslSeal(original, { signer: alice, recipient: bob, keyTransport: "oaep", cipher: "-aes128", tamper: true }),
    );
    expect(error.code).toBe("tampered");
  });

  it("a signer whose subjectAltName names another address", async () => {
    const mallory = await pki.issue("mallory", ca, { emails: ["mallory@a.example"] });
    const error = await refusal(conduitSeal(mallory));
    expect(error.code).toBe("address-mismatch");
    expect(error.message).toMatch(/rfc822Name mallory@a\.example, not to sender alice@a\.example/);
  });

  it("accepts a domain-bound signer and a case-different address", async () => {
    const domainBound = await pki.issue("a.example", ca, { dnsNames: ["A.Example"] });
    const opened = await openMessage(await conduitSeal(domainBound, "Alice@A.example"), {
      credentials: [bob],
      trust,
      envelope: { from: "alice@a.example", to: ["bob@b.example"] },
    });
    expect(opened.sender).toBe("alice@a.example");
  });

  it("an expired signer", async () => {
    const expired = await pki.issue("alice", ca, {
      emails: ["alice@a.example"],
      notBefore: new Date(Date.now() - 400 * 86400_000),
      notAfter: new Date(Date.now() - 30 * 86400_000),
    });
    const error = await refusal(conduitSeal(expired));
    expect(error.code).toBe("expired-signer");
  });

  it("a SHA-1 signature", async () => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const error = await refusal(
      opensslSeal(original, { signer: alice, recipient: bob, keyTransport: "oaep", cipher: "-aes128", md: "sha1" }),
    );
    expect(error.code).toBe("weak-algorithm");
    expect(error.message).toMatch(/SHA-1/);
  });

  it("a signer certificate signed with SHA-1", async () => {
    const sha1Signer = await pki.issue("alice", ca, { emails: ["alice@a.example"], hash: "SHA-1" });
    const error = await refusal(conduitSeal(sha1Signer));
    expect(error.code).toBe("weak-algorithm");
  });

  it("3DES content", async () => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const error = await refusal(
      opensslSeal(original, { signer: alice, recipient: bob, keyTransport: "pkcs1", cipher: "-des3" }),
    );
    expect(error.code).toBe("weak-algorithm");
    expect(error.message).toMatch(/3DES/);
  });

  it("a message encrypted for someone else", async () => {
    const carol = await pki.issue("carol", ca, { emails: ["carol@b.example"] });
    const error = await refusal(conduitSeal(alice, "alice@a.example", carol));
    expect(error.code).toBe("not-for-us");
  });

  it("an SMTP envelope that does not match the protected headers", async () => {
    const sealed = await conduitSeal(alice);
    expect((await refusal(sealed, { from: "eve@a.example", to: ["bob@b.example"] })).code).toBe("routing-mismatch");
    expect((await refusal(sealed, { from: "alice@a.example", to: ["dave@b.example"] })).code).toBe("routing-mismatch");
    // A null reverse-path (DSNs) has no sender to compare; the recipients still must match.
    const dsnLike = await openMessage(sealed, {
      credentials: [bob],
      trust,
      envelope: { from: "", to: ["bob@b.example"] },
    });
    expect(dsnLike.sender).toBe("alice@a.example");
  });

  it("a message that is not encrypted", async () => {
    const error = await refusal(await originalMessage("alice@a.example", ["bob@b.example"]));
    expect(error.code).toBe("not-encrypted");
  });
});

it("writes nothing outside its temp folder", () => {
  writeFileSync(path.join(pki.dir, "marker"), "");
  expect(pki.dir).toMatch(/conduit-pki-/);
});

describe("other shapes real agents send", () => {
  const envelope = { from: "alice@a.example", to: ["bob@b.example"] };

  it("opaque signed-data (smime-type=signed-data) inside the envelope", async () => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const wrapped = Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), original]);
    const signed = await openssl(
      ["cms", "-sign", "-nodetach", "-binary", "-signer", alice.files.cert, "-inkey", alice.files.key, "-md", "sha256"],
      wrapped,
    );
    expect(signed.toString()).toMatch(/smime-type="?signed-data/);
    const sealed = await openssl(
      [
        "cms",
        "-encrypt",
        "-binary",
        "-aes256",
        "-recip",
        bob.files.cert,
        "-from",
        "alice@a.example",
        "-to",
        "bob@b.example",
      ],
      signed,
    );
    const opened = await openMessage(sealed, { credentials: [bob], trust, envelope });
    expect(opened.original.equals(original)).toBe(true);
  });

  it("a signed body without the message/rfc822 wrapper: the outer headers complete the original", async () => {
    const body = Buffer.from("Content-Type: text/plain\r\n\r\nHello Bob\r\n");
    const signed = await openssl(
      ["cms", "-sign", "-binary", "-signer", alice.files.cert, "-inkey", alice.files.key, "-md", "sha256"],
      body,
    );
    const sealed = await openssl(
      [
        "cms",
        "-encrypt",
        "-binary",
        "-aes128",
        "-recip",
        bob.files.cert,
        "-from",
        "alice@a.example",
        "-to",
        "bob@b.example",
        "-subject",
        "hi",
      ],
      signed,
    );
    const opened = await openMessage(sealed, { credentials: [bob], trust, envelope });
    expect(opened.sender).toBe("alice@a.example");
    expect(opened.original.toString()).toMatch(
      /^To: bob@b.example\r\nFrom: alice@a.example\r\nSubject: hi\r\nContent-Type: text\/plain\r\n\r\nHello Bob/,
    );
  });

  it.each(["sha-256", "sha256", '"sha-256"'])(
    "micalg=%s is accepted (the SignerInfo's digest is what counts)",
    async (micalg) => {
      const original = await originalMessage("alice@a.example", ["bob@b.example"]);
      const wrapped = Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), original]);
      const signed = Buffer.from(
        signEntity(wrapped, alice).toString("latin1").replace("micalg=sha-256", `micalg=${micalg}`),
        "latin1",
      );
      const der = envelopeContent(signed, [{ certificate: bob.certificate }]);
      const sealed = Buffer.from(
        "From: alice@a.example\r\nTo: bob@b.example\r\nMIME-Version: 1.0\r\n" +
          'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n' +
          "Content-Transfer-Encoding: base64\r\n\r\n" +
          der.toString("base64").replace(/.{76}/g, "$&\r\n") +
          "\r\n",
      );
      const opened = await openMessage(sealed, { credentials: [bob], trust, envelope });
      expect(opened.original.equals(original)).toBe(true);
    },
  );

  it("signer and recipient identified by subjectKeyIdentifier (-keyid)", async () => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const wrapped = Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), original]);
    const signed = await openssl(
      ["cms", "-sign", "-binary", "-keyid", "-signer", alice.files.cert, "-inkey", alice.files.key, "-md", "sha256"],
      wrapped,
    );
    const sealed = await openssl(
      [
        "cms",
        "-encrypt",
        "-binary",
        "-keyid",
        "-aes128",
        "-recip",
        bob.files.cert,
        "-from",
        "alice@a.example",
        "-to",
        "bob@b.example",
      ],
      signed,
    );
    const opened = await openMessage(sealed, { credentials: [bob], trust, envelope });
    expect(opened.original.equals(original)).toBe(true);
  });

  it("several signers: an untrusted one does not spoil a trusted one", async () => {
    const rogueCa = await pki.ca("Another Rogue CA");
    const impostor = await pki.issue("alice", rogueCa, { emails: ["alice@a.example"] });
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    const wrapped = Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), original]);
    const signed = await openssl(
      [
        "cms",
        "-sign",
        "-binary",
        "-md",
        "sha256",
        "-signer",
        impostor.files.cert,
        "-inkey",
        impostor.files.key,
        "-signer",
        alice.files.cert,
        "-inkey",
        alice.files.key,
      ],
      wrapped,
    );
    const sealed = await openssl(
      [
        "cms",
        "-encrypt",
        "-binary",
        "-aes128",
        "-recip",
        bob.files.cert,
        "-from",
        "alice@a.example",
        "-to",
        "bob@b.example",
      ],
      signed,
    );
    const opened = await openMessage(sealed, { credentials: [bob], trust, envelope });
    expect(opened.signer.raw.equals(alice.certificate.raw)).toBe(true);
  });

  it("a corrupted key-transport block fails exactly like any other decryption failure", async () => {
    const original = await originalMessage("alice@a.example", ["bob@b.example"]);
    for (const keyTransport of ["rsa-pkcs1-v1_5", "rsa-oaep-sha256"] as const) {
      const der = envelopeContent(Buffer.from("Content-Type: text/plain\r\n\r\nx"), [
        { certificate: bob.certificate, keyTransport },
      ]);
      const ktri = pkijs.ContentInfo.fromBER(der);
      const enveloped = new pkijs.EnvelopedData({ schema: ktri.content });
      const encryptedKey = Buffer.from(
        (enveloped.recipientInfos[0]!.value as pkijs.KeyTransRecipientInfo).encryptedKey.valueBlock.valueHexView,
      );
      const at = der.indexOf(encryptedKey);
      const corrupted = Buffer.from(der);
      corrupted[at + 40] = corrupted[at + 40]! ^ 0x01;
      const message = Buffer.concat([
        Buffer.from(
          "From: alice@a.example\r\nTo: bob@b.example\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n" +
            "Content-Transfer-Encoding: base64\r\n\r\n",
        ),
        Buffer.from(corrupted.toString("base64")),
      ]);
      // Whatever the unwrap produced (implicit rejection gives a pseudo-random key), the caller sees one error.
      await expect(openMessage(message, { credentials: [bob], trust, envelope })).rejects.toMatchObject({
        code: "decryption-failed",
        message: "decryption-failed: the message could not be decrypted",
      });
      expect(decryptEnvelopedData).toBeTypeOf("function");
    }
    expect(original.length).toBeGreaterThan(0);
  });
});
