import { generateKeyPairSync, publicEncrypt, constants, randomBytes, privateDecrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeOaep, unpadPkcs1v15, unwrapContentKey, wrapContentKey } from "../src/smime/rsa-key-transport.js";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("RSA key transport without a padding oracle", () => {
  it("round-trips a content key with PKCS#1 v1.5, OAEP-SHA1 and OAEP-SHA256", () => {
    for (const transport of ["rsa-pkcs1-v1_5", "rsa-oaep-sha1", "rsa-oaep-sha256"] as const) {
      const key = randomBytes(32);
      expect(unwrapContentKey(wrapContentKey(key, publicKey, transport), privateKey, transport, 32)).toEqual(key);
    }
  });

  it("returns a deterministic pseudo-random key, never an error, for bad padding or a wrong key length", () => {
    const key = randomBytes(16);
    const v15 = wrapContentKey(key, publicKey, "rsa-pkcs1-v1_5");
    // Right padding, wrong length: implicit rejection.
    const wrongLength = unwrapContentKey(v15, privateKey, "rsa-pkcs1-v1_5", 32);
    expect(wrongLength).toHaveLength(32);
    expect(unwrapContentKey(v15, privateKey, "rsa-pkcs1-v1_5", 32)).toEqual(wrongLength);
    // Garbage ciphertext (bad padding) for both schemes.
    const garbage = randomBytes(255);
    const a = unwrapContentKey(garbage, privateKey, "rsa-pkcs1-v1_5", 16);
    expect(a).toHaveLength(16);
    expect(unwrapContentKey(garbage, privateKey, "rsa-pkcs1-v1_5", 16)).toEqual(a);
    expect(unwrapContentKey(garbage, privateKey, "rsa-oaep-sha256", 16)).toHaveLength(16);
  });

  it("unpads exactly what OpenSSL's v1.5 encryption produced", () => {
    const message = randomBytes(24);
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, message);
    const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
    expect(unpadPkcs1v15(em, 24, Buffer.alloc(24))).toEqual(message);
    const broken = Buffer.from(em);
    broken[1] = 0x01;
    expect(unpadPkcs1v15(broken, 24, Buffer.alloc(24, 7))).toEqual(Buffer.alloc(24, 7));
  });

  it("decodes OAEP in JavaScript exactly as OpenSSL encodes it, and rejects implicitly", () => {
    const message = randomBytes(32);
    const ciphertext = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      message,
    );
    const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
    expect(decodeOaep(em, "sha256", "sha256", 32, Buffer.alloc(32))).toEqual(message);
    expect(decodeOaep(em, "sha256", "sha1", 32, Buffer.alloc(32, 9))).toEqual(Buffer.alloc(32, 9));
    expect(decodeOaep(em, "sha256", "sha256", 16, Buffer.alloc(16, 9))).toEqual(Buffer.alloc(16, 9));
  });
});
