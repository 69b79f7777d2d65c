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
  transport: KeyTransport,
  keyLength: number,
): Buffer {
  const k = modulusBytes(privateKey);
  const ciphertext = leftPad(encryptedKey, k);
  const synthetic = syntheticKey(privateKey, ciphertext, keyLength);
  if (transport !== "rsa-pkcs1-v1_5") {
    let recovered: Buffer;
    try {
      recovered = privateDecrypt(
        {
          key: privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: transport === "rsa-oaep-sha256" ? "sha256" : "sha1",
        },
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
  return unpadPkcs1v15(leftPad(encoded, k), keyLength, synthetic);
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
  const jwk = privateKey.export({ format: "jwk" });
  const d = Buffer.from(jwk.d ?? "", "base64url");
  const kdk = createHmac(
    "sha256",
    createHash("sha256")
      .update(leftPad(d, modulusBytes(privateKey)))
      .digest(),
  )
    .update(ciphertext)
    .digest();
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < keyLength; counter++) {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(counter);
    blocks.push(createHmac("sha256", kdk).update(prefix).update("cms content key").digest());
  }
  return Buffer.concat(blocks).subarray(0, keyLength);
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
}

function leftPad(data: Buffer, length: number): Buffer {
  if (data.length >= length) return data;
  return Buffer.concat([Buffer.alloc(length - data.length), data]);
}
