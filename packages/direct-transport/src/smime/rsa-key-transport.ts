import { constants, createHash, createHmac, privateDecrypt, publicEncrypt, type KeyObject } from "node:crypto";

/**
 * RSA key transport for CMS KeyTransRecipientInfo (RFC 5652 §6.2.1): RSAES-PKCS1-v1_5 (RFC 3370 §4.2.1) and
 * RSAES-OAEP (RFC 3560).
 *
 * Decryption never tells the caller whether the padding was right. Node refuses PKCS#1 v1.5 decryption since the
 * Marvin-attack fix, so this module does the raw RSA operation (RSA_NO_PADDING) and removes the padding itself in a
 * branch-free way. On bad padding, or a key of the wrong length, it returns a deterministic pseudo-random key instead
 * ("implicit rejection", draft-irtf-cfrg-rsa-guidance §7, as OpenSSL 3.2 does): the content decryption then fails
 * like any other corrupted message, with the same error, and a repeat of the same ciphertext gives the same key, so
 * timing and error type reveal nothing about the padding.
 *
 * JavaScript gives no hard constant-time guarantee; the unpadding avoids data-dependent branches and early exits,
 * which is the best a JS implementation can do.
 */
export type KeyTransport = "rsa-oaep-sha256" | "rsa-oaep-sha1" | "rsa-pkcs1-v1_5";

export type OaepHash = "sha1" | "sha256" | "sha384" | "sha512";

/**
 * What a received message used. Besides what Conduit sends, RSA-OAEP with other hashes, and with an MGF1 hash that
 * differs from the label hash (Java's "OAEPWithSHA-256AndMGF1Padding" keeps MGF1 at SHA-1), are read.
 */
export type ReceivedKeyTransport = KeyTransport | `rsa-oaep-${OaepHash}` | `rsa-oaep-${OaepHash}-mgf1-${OaepHash}`;

export function wrapContentKey(key: Buffer, recipientKey: KeyObject, transport: KeyTransport): Buffer {
  if (transport === "rsa-pkcs1-v1_5") {
    return publicEncrypt({ key: recipientKey, padding: constants.RSA_PKCS1_PADDING }, key);
  }
  return publicEncrypt(
    {
      key: recipientKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: transport === "rsa-oaep-sha256" ? "sha256" : "sha1",
    },
    key,
  );
}

/**
 * Recovers a content-encryption key of `keyLength` bytes. Always returns a key: the real one, or a pseudo-random
 * one when anything is wrong.
 */
export function unwrapContentKey(
  encryptedKey: Buffer,
  privateKey: KeyObject,
  transport: KeyTransport | { oaep: OaepHash; mgf1: OaepHash },
  keyLength: number,
): Buffer {
  const k = modulusBytes(privateKey);
  const ciphertext = leftPad(encryptedKey, k);
  const synthetic = syntheticKey(privateKey, ciphertext, keyLength);
  const oaep =
    typeof transport === "object"
      ? transport
      : transport === "rsa-oaep-sha256"
        ? { oaep: "sha256" as const, mgf1: "sha256" as const }
        : transport === "rsa-oaep-sha1"
          ? { oaep: "sha1" as const, mgf1: "sha1" as const }
          : undefined;
  if (oaep && oaep.oaep === oaep.mgf1) {
    // OpenSSL's OAEP decoding (constant-time in C) when both hashes agree, which Node can express.
    let recovered: Buffer;
    try {
      recovered = privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaep.oaep },
        ciphertext,
      );
    } catch {
      return synthetic;
    }
    return recovered.length === keyLength ? recovered : synthetic;
  }
  let encoded: Buffer;
  try {
    encoded = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    // Ciphertext not smaller than the modulus: public information, not a padding oracle.
    return synthetic;
  }
  if (oaep) return decodeOaep(leftPad(encoded, k), oaep.oaep, oaep.mgf1, keyLength, synthetic);
  return unpadPkcs1v15(leftPad(encoded, k), keyLength, synthetic);
}

/**
 * EME-OAEP decoding (RFC 8017 §7.1.2 step 3) for hash pairs Node cannot express: EM = Y || maskedSeed || maskedDB,
 * DB = lHash || PS (zeros) || 0x01 || M. Branch-free over the data, with the same implicit rejection as v1.5.
 */
export function decodeOaep(em: Buffer, hash: OaepHash, mgf1Hash: OaepHash, keyLength: number, synthetic: Buffer) {
  const k = em.length;
  const hLen = createHash(hash).digest().length;
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seed = xor(maskedSeed, mgf1(maskedDb, hLen, mgf1Hash));
  const db = xor(maskedDb, mgf1(seed, k - hLen - 1, mgf1Hash));
  const lHash = createHash(hash).digest();
  let good = isZero(em[0]!);
  let diff = 0;
  for (let i = 0; i < hLen; i++) diff |= db[i]! ^ lHash[i]!;
  good &= isZero(diff);
  // After lHash: zeros, then 0x01, then the message. Track the first non-zero byte; it must be 0x01.
  let found = 0;
  let separator = 0;
  let badByte = 0;
  for (let i = hLen; i < db.length; i++) {
    const nonZero = isZero(db[i]!) ^ 1;
    const first = nonZero & (found ^ 1);
    separator |= i & -first;
    badByte |= -first & (db[i]! ^ 0x01);
    found |= nonZero;
  }
  good &= found & isZero(badByte);
  good &= isZero(db.length - separator - 1 - keyLength);
  const mask = -good & 0xff;
  const out = Buffer.alloc(keyLength);
  for (let j = 0; j < keyLength; j++) {
    out[j] = (db[db.length - keyLength + j]! & mask) | (synthetic[j]! & ~mask & 0xff);
  }
  return out;
}

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(seed: Buffer, length: number, hash: OaepHash): Buffer {
  const blocks: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    blocks.push(block);
    produced += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/**
 * EM = 0x00 || 0x02 || PS (at least 8 non-zero bytes) || 0x00 || M, with |M| = keyLength (RFC 8017 §7.2.2).
 * Every byte is visited; the result is selected with masks, not branches.
 */
export function unpadPkcs1v15(em: Buffer, keyLength: number, synthetic: Buffer): Buffer {
  const k = em.length;
  let good = isZero(em[0]!) & isZero(em[1]! ^ 0x02);
  let found = 0;
  let separator = 0;
  for (let i = 2; i < k; i++) {
    const zero = isZero(em[i]!);
    const first = zero & (found ^ 1);
    separator |= i & -first;
    found |= zero;
  }
  good &= found;
  // The separator must follow at least 8 padding bytes: index >= 10.
  good &= ((9 - separator) >>> 31) & 1;
  // The message after the separator must be exactly the expected key length.
  good &= isZero(k - separator - 1 - keyLength);
  const mask = -good & 0xff;
  const out = Buffer.alloc(keyLength);
  for (let j = 0; j < keyLength; j++) {
    out[j] = (em[k - keyLength + j]! & mask) | (synthetic[j]! & ~mask & 0xff);
  }
  return out;
}

/** 1 when x === 0, else 0, for integers in the 32-bit range, without branching. */
function isZero(x: number): number {
  return ((~(x | -x) >>> 31) & 1) | 0;
}

/**
 * The implicit-rejection key: KDK = HMAC-SHA256(SHA256(d), C) as draft-irtf-cfrg-rsa-guidance derives it, then an
 * HMAC-based expansion labelled for the CMS content key. Deterministic per (key, ciphertext).
 */
function syntheticKey(privateKey: KeyObject, ciphertext: Buffer, keyLength: number): Buffer {
  const kdk = createHmac("sha256", privateExponentDigest(privateKey)).update(ciphertext).digest();
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < keyLength; counter++) {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(counter);
    blocks.push(createHmac("sha256", kdk).update(prefix).update("cms content key").digest());
  }
  return Buffer.concat(blocks).subarray(0, keyLength);
}

/** SHA256(d), d left-padded to the modulus length; kept per key object (exporting the key is costly). */
const exponentDigests = new WeakMap<KeyObject, Buffer>();

function privateExponentDigest(privateKey: KeyObject): Buffer {
  let digest = exponentDigests.get(privateKey);
  if (!digest) {
    const jwk = privateKey.export({ format: "jwk" });
    const d = Buffer.from(jwk.d ?? "", "base64url");
    digest = createHash("sha256")
      .update(leftPad(d, modulusBytes(privateKey)))
      .digest();
    exponentDigests.set(privateKey, digest);
  }
  return digest;
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
}

function leftPad(data: Buffer, length: number): Buffer {
  if (data.length >= length) return data;
  return Buffer.concat([Buffer.alloc(length - data.length), data]);
}
