import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  composeOriginalMessage,
  decryptEnvelopedData,
  openMessage,
  parseContentType,
  parseEntity,
  splitMultipart,
  TrustAnchors,
} from "../src/index.js";
import { readBer, type BerNode } from "../src/asn1/ber-reader.js";
import { decodeBody, headerValue } from "../src/mime/entity.js";
import { openssl } from "./helpers/openssl.js";
import { TestPki, type TestIdentity } from "./helpers/pki.js";

/**
 * What streaming senders emit: `openssl cms -stream` writes BER with indefinite lengths and splits eContent and
 * encryptedContent into constructed OCTET STRINGs of 4 KB segments. Conduit must open it as it opens DER.
 */
let pki: TestPki;
let ca: TestIdentity;
let alice: TestIdentity;
let bob: TestIdentity;
let carol: TestIdentity; // another recipient of the same message, at another HISP
let trust: TrustAnchors;
let original: Buffer;
const envelope = { from: "alice@a.example", to: ["bob@b.example"] };

beforeAll(async () => {
  pki = new TestPki();
  ca = await pki.ca("BER Test CA");
  [alice, bob, carol] = await Promise.all([
    pki.issue("alice", ca, { emails: ["alice@a.example"] }),
    pki.issue("bob", ca, { emails: ["bob@b.example"] }),
    pki.issue("carol", ca, { emails: ["carol@c.example"] }),
  ]);
  trust = new TrustAnchors().add("*", [ca.certificate]);
  original = await composeOriginalMessage({
    from: "alice@a.example",
    to: ["bob@b.example", "carol@c.example"],
    subject: "Streamed",
    messageId: "<streamed@a.example>",
    date: new Date("2026-11-24T10:00:00Z"),
    text: "Large enough to be split into several segments.",
    attachments: [
      { filename: "notes.txt", contentType: "text/plain", content: Buffer.from(randomBytes(15000).toString("hex")) },
    ],
  });
});

const wrap = (message: Buffer) => Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), message]);

/** The DER/BER inside an application/pkcs7-mime or -signature entity. */
const berOf = (entity: Buffer) => readBer(decodeBody(parseEntity(entity)));

/** [0] IMPLICIT encryptedContent of a ContentInfo(EnvelopedData). */
function encryptedContentOf(contentInfo: BerNode): BerNode {
  const envelopedData = contentInfo.child(1, 0xa0).child(0, 0x30);
  const encryptedContentInfo = envelopedData.children().find((c, i) => i > 0 && c.tag === 0x30)!;
  return encryptedContentInfo.child(2);
}

async function encryptStreamed(signed: Buffer, cipher: string, recipients: string[], keyopt: string[] = []) {
  const recips = recipients.flatMap((cert) => ["-recip", cert, ...keyopt]);
  return openssl(
    ["cms", "-encrypt", "-stream", "-binary", cipher, ...recips, "-from", "alice@a.example", "-to", "bob@b.example"],
    signed,
  );
}

describe("BER from streaming senders (openssl cms -stream)", () => {
  it("opaque signed-data with a chunked eContent, enveloped with a chunked encryptedContent for two recipients", async () => {
    const signed = await openssl(
      ["cms", "-sign", "-stream", "-nodetach", "-binary", "-md", "sha256"].concat([
        "-signer",
        alice.files.cert,
        "-inkey",
        alice.files.key,
      ]),
      wrap(original),
    );
    expect(parseContentType(headerValue(parseEntity(signed), "Content-Type")).params["smime-type"]).toBe("signed-data");
    // The signed data really is BER: indefinite lengths, eContent in several OCTET STRING segments.
    const signedData = berOf(signed);
    expect(signedData.indefinite).toBe(true);
    const encapContentInfo = signedData.child(1, 0xa0).child(0, 0x30).child(2, 0x30);
    const eContent = encapContentInfo.child(1, 0xa0).child(0, 0x24);
    expect(eContent.indefinite).toBe(true);
    expect(eContent.children().length).toBeGreaterThan(3);

    // Carol's recipient info comes first; Bob's key transport is PKCS#1 v1.5, AES-192.
    const sealed = await encryptStreamed(signed, "-aes192", [carol.files.cert, bob.files.cert]);
    const encryptedContent = encryptedContentOf(berOf(sealed));
    expect(encryptedContent.tag).toBe(0xa0);
    expect(encryptedContent.indefinite).toBe(true);
    expect(encryptedContent.children().length).toBeGreaterThan(3);

    const opened = await openMessage(sealed, { credentials: [bob], trust, envelope });
    expect(opened.original.equals(original)).toBe(true);
    expect(opened.signer.raw.equals(alice.certificate.raw)).toBe(true);
    expect(opened.algorithms).toEqual({
      keyTransport: "rsa-pkcs1-v1_5",
      contentEncryption: "aes-192-cbc",
      digest: "sha256",
    });
    // Carol opens the same message with her own key.
    const forCarol = await openMessage(sealed, {
      credentials: [carol],
      trust,
      envelope: { from: "alice@a.example", to: ["carol@c.example"] },
    });
    expect(forCarol.original.equals(original)).toBe(true);
  });

  it("multipart/signed with a BER signature, enveloped with RSA-OAEP for each recipient", async () => {
    const signed = await openssl(
      ["cms", "-sign", "-stream", "-binary", "-md", "sha256", "-signer", alice.files.cert, "-inkey", alice.files.key],
      wrap(original),
    );
    const oaep = ["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256"];
    const sealed = await encryptStreamed(signed, "-aes256", [bob.files.cert, carol.files.cert], oaep);
    const der = decodeBody(parseEntity(sealed));
    expect(readBer(der).indefinite).toBe(true);
    expect(encryptedContentOf(readBer(der)).children().length).toBeGreaterThan(3);
    // Inside: multipart/signed, the detached signature in its own part.
    const multipart = parseEntity(decryptEnvelopedData(der, [bob]).content);
    const boundary = parseContentType(headerValue(multipart, "Content-Type")).params["boundary"]!;
    const [content, signaturePart] = splitMultipart(multipart.body, boundary);
    expect(content!.equals(wrap(original))).toBe(true);
    expect(berOf(signaturePart!).child(0).oid()).toBe("1.2.840.113549.1.7.2");

    const opened = await openMessage(sealed, { credentials: [bob], trust, envelope });
    expect(opened.original.equals(original)).toBe(true);
    expect(opened.algorithms).toEqual({
      keyTransport: "rsa-oaep-sha256",
      contentEncryption: "aes-256-cbc",
      digest: "sha256",
    });
  });

  it("refuses streamed 3DES content and a streamed SHA-1 signature, as it refuses them in DER", async () => {
    const sha1Signed = await openssl(
      ["cms", "-sign", "-stream", "-binary", "-md", "sha1", "-signer", alice.files.cert, "-inkey", alice.files.key],
      wrap(original),
    );
    await expect(
      openMessage(await encryptStreamed(sha1Signed, "-aes128", [bob.files.cert]), {
        credentials: [bob],
        trust,
        envelope,
      }),
    ).rejects.toMatchObject({ code: "weak-algorithm", message: expect.stringMatching(/SHA-1/) });
    await expect(
      openMessage(await encryptStreamed(sha1Signed, "-des3", [bob.files.cert]), {
        credentials: [bob],
        trust,
        envelope,
      }),
    ).rejects.toMatchObject({ code: "weak-algorithm", message: expect.stringMatching(/3DES/) });
  });

  it("refuses a streamed message whose encrypted segments were cut short", async () => {
    const signed = await openssl(
      ["cms", "-sign", "-stream", "-binary", "-md", "sha256", "-signer", alice.files.cert, "-inkey", alice.files.key],
      wrap(original),
    );
    const sealed = await encryptStreamed(signed, "-aes128", [bob.files.cert]);
    const entity = parseEntity(sealed);
    const der = decodeBody(entity);
    const cut = der.subarray(0, der.length - 100);
    const message = Buffer.concat([entity.rawHeaders, Buffer.from("\r\n\r\n"), Buffer.from(cut.toString("base64"))]);
    await expect(openMessage(message, { credentials: [bob], trust, envelope })).rejects.toMatchObject({
      code: "malformed",
    });
  });
});
