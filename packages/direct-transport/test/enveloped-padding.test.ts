import { constants, createCipheriv, publicEncrypt, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { decryptEnvelopedData, OID } from "../src/index.js";
import {
  algorithm,
  contextConstructed,
  contextPrimitive,
  encodeDer,
  NULL,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
} from "../src/asn1/der-writer.js";
import { certificateIdentifiers } from "../src/trust/certificates.js";
import { TestPki, type TestIdentity } from "./helpers/pki.js";

/** The content's CBC padding (RFC 5652 §6.3) is checked by Conduit: valid padding is removed, anything else refused. */
let bob: TestIdentity;
const key = randomBytes(32);
const iv = randomBytes(16);

beforeAll(async () => {
  const pki = new TestPki();
  bob = await pki.issue("bob", await pki.ca("Padding CA"), { emails: ["bob@b.example"] });
});

/** An EnvelopedData for Bob whose plaintext, padding included, is exactly `padded`. */
function enveloped(padded: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
  const encrypted = Buffer.concat([cipher.update(padded), cipher.final()]);
  const wrappedKey = publicEncrypt({ key: bob.certificate.publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const recipient = sequence(
    smallInteger(0),
    certificateIdentifiers(bob.certificate).issuerAndSerialNumber,
    algorithm(OID.rsaEncryption, NULL),
    octetString(wrappedKey),
  );
  const content = sequence(oid(OID.data), algorithm(OID.aes256Cbc, octetString(iv)), contextPrimitive(0, encrypted));
  return encodeDer(
    sequence(oid(OID.envelopedData), contextConstructed(0, sequence(smallInteger(0), set(recipient), content))),
  );
}

describe("content padding", () => {
  it.each([1, 5, 15, 16])("removes valid padding of %i bytes", (count) => {
    const text = Buffer.from("x".repeat(32 - count));
    const opened = decryptEnvelopedData(enveloped(Buffer.concat([text, Buffer.alloc(count, count)])), [bob]);
    expect(opened.content).toEqual(text);
  });

  it.each([
    ["a zero count", Buffer.concat([Buffer.alloc(31, 0x41), Buffer.from([0])])],
    ["a count over the block size", Buffer.concat([Buffer.alloc(31, 0x41), Buffer.from([17])])],
    ["a padding byte that differs from the count", Buffer.concat([Buffer.alloc(29, 0x41), Buffer.from([3, 2, 3])])],
    ["no content at all", Buffer.alloc(0)],
  ])("refuses %s as a decryption failure", (_name, padded) => {
    expect(() => decryptEnvelopedData(enveloped(padded), [bob])).toThrow(
      expect.objectContaining({ code: "decryption-failed" }),
    );
  });
});
