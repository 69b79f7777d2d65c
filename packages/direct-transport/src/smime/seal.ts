import { createCipheriv, createHash, randomBytes, sign as rsaSign, type X509Certificate } from "node:crypto";
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
  time,
  type DerNode,
} from "../asn1/der-writer.js";
import { DirectSecurityError } from "../errors.js";
import { OID } from "../oids.js";
import { base64Lines, base64LinesAfter, headerValues, parseEntity, toCrlf } from "../mime/entity.js";
import { certificateIdentifiers } from "../trust/certificates.js";
import type { DirectCredentials } from "../trust/credentials.js";
import { wrapContentKey, type KeyTransport } from "./rsa-key-transport.js";

export type ContentEncryption = "aes-128-cbc" | "aes-256-cbc";

export interface SealRecipient {
  certificate: X509Certificate;
  /** RSA-OAEP with SHA-256 by default; PKCS#1 v1.5 for destinations that need it. */
  keyTransport?: KeyTransport;
}

export interface SealOptions {
  signer: DirectCredentials;
  recipients: SealRecipient[];
  /** Default AES-256-CBC (AS v1.3 §5.1 allows AES-128-CBC and AES-256-CBC). */
  contentEncryption?: ContentEncryption;
  signingTime?: Date;
}

const CONTENT_ENCRYPTION = {
  "aes-128-cbc": { oid: OID.aes128Cbc, keyLength: 16 },
  "aes-256-cbc": { oid: OID.aes256Cbc, keyLength: 32 },
} as const;

/**
 * Header fields copied to the outside of the encrypted message. AS v1.3 §5.3 / RFC 8551 §3.1: the original message
 * travels as message/rfc822 inside the signature, so its headers are protected; the outer headers carry only what
 * SMTP routing and the receiving agent need. Subject and everything else stay inside.
 */
const OUTER_HEADERS = ["From", "To", "Cc", "Date", "Message-ID"];

/**
 * Seals an original RFC 5322 message as a Direct message: wrap it as message/rfc822, sign it (detached CMS
 * SignedData in multipart/signed, SHA-256), then encrypt the signed entity (CMS EnvelopedData, AES-CBC, RSA key
 * transport) into application/pkcs7-mime (AS v1.3 §5; RFC 8551 §3.4, §3.5).
 */
export function sealMessage(original: Buffer, options: SealOptions): Buffer {
  const canonical = toCrlf(original);
  const parsed = parseEntity(canonical, { canonical: true });
  // One call for all the randomness a seal needs (boundary, content key, IV): each call has a fixed cost.
  const random = randomBytes(12 + 32 + 16);
  const signed = signedParts([RFC822_HEADER, canonical], options.signer, options.signingTime ?? new Date(), random);
  const enveloped = envelope(
    signed,
    options.recipients,
    options.contentEncryption ?? "aes-256-cbc",
    random.subarray(12),
  );
  const outer: string[] = [];
  for (const name of OUTER_HEADERS) {
    for (const value of headerValues(parsed, name)) outer.push(`${name}: ${value}`);
  }
  outer.push(
    "MIME-Version: 1.0",
    'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="smime.p7m"',
  );
  return base64LinesAfter(Buffer.from(outer.join("\r\n") + "\r\n\r\n", "latin1"), encodeDer(enveloped));
}

const RFC822_HEADER = Buffer.from("Content-Type: message/rfc822\r\n\r\n");

/**
 * Signs a MIME entity as multipart/signed with a detached CMS signature (RFC 8551 §3.5.3). The entity must already
 * be in canonical form (CRLF line endings); its bytes are the signed content, unchanged.
 */
export function signEntity(entity: Buffer, signer: DirectCredentials, signingTime: Date = new Date()): Buffer {
  return Buffer.concat(signedParts([entity], signer, signingTime, randomBytes(12)));
}

/** The multipart/signed entity over the concatenation of `entity`, as pieces (the entity's are not copied). */
function signedParts(entity: Buffer[], signer: DirectCredentials, signingTime: Date, random: Buffer): Buffer[] {
  const boundary = `----=_Conduit_${random.toString("hex", 0, 12)}`;
  const signature = encodeDer(detachedSignature(entity, signer, signingTime));
  const parts = [
    `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\r\n\tboundary="${boundary}"`,
    "",
    "This is an S/MIME signed message",
    "",
    `--${boundary}`,
  ].join("\r\n");
  const signaturePart = [
    "",
    `--${boundary}`,
    'Content-Type: application/pkcs7-signature; name="smime.p7s"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="smime.p7s"',
    "",
    base64Lines(signature) + `--${boundary}--`,
    "",
  ].join("\r\n");
  return [Buffer.from(parts + "\r\n"), ...entity, Buffer.from(signaturePart)];
}

const SHA256 = encodeDer(algorithm(OID.sha256));
const SHA256_WITH_RSA = encodeDer(algorithm(OID.sha256WithRSAEncryption, NULL));
const DATA = oid(OID.data);
/** SignedData.encapContentInfo of a detached signature: eContentType id-data, no eContent. */
const DETACHED_DATA = encodeDer(sequence(DATA));
const VERSION_0 = smallInteger(0);
const VERSION_1 = smallInteger(1);
const ATTRIBUTE_CONTENT_TYPE_DATA = encodeDer(sequence(oid(OID.contentType), set(DATA)));

/** A DER ContentInfo holding a detached SignedData over `content` (RFC 5652 §5), SHA-256 with RSA. */
export function createDetachedSignature(content: Buffer, signer: DirectCredentials, signingTime: Date): Buffer {
  return encodeDer(detachedSignature([content], signer, signingTime));
}

function detachedSignature(content: Buffer[], signer: DirectCredentials, signingTime: Date): DerNode {
  const bits = signer.certificate.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new DirectSecurityError("weak-algorithm", `signing key of ${bits} bits; 2048 required`);
  const hash = createHash("sha256");
  for (const chunk of content) hash.update(chunk);
  const digest = hash.digest();
  // DER: a SET OF is sorted by the encodings of its elements (X.690 §11.6); verifiers re-encode and compare.
  const attributes = [
    ATTRIBUTE_CONTENT_TYPE_DATA,
    encodeDer(sequence(oid(OID.signingTime), set(time(signingTime)))),
    encodeDer(sequence(oid(OID.messageDigest), set(octetString(digest)))),
  ].sort(Buffer.compare);
  // RFC 5652 §5.4: the signature covers the attributes' DER with the SET OF tag; the SignerInfo carries [0] IMPLICIT.
  const signedAttrs = set(...attributes);
  const signature = rsaSign("sha256", encodeDer(signedAttrs), signer.privateKey);
  const signerInfo = sequence(
    VERSION_1,
    certificateIdentifiers(signer.certificate).issuerAndSerialNumber,
    SHA256,
    contextConstructed(0, ...attributes),
    SHA256_WITH_RSA,
    octetString(signature),
  );
  const signedData = sequence(
    VERSION_1,
    set(SHA256),
    DETACHED_DATA,
    // AS v1.3 §5.1 / RFC 8551 §2.4.1: include the signer certificate and its chain so receivers can build the path.
    contextConstructed(0, signer.certificate.raw, ...signer.chain.map((c) => c.raw)),
    set(signerInfo),
  );
  return sequence(oid(OID.signedData), contextConstructed(0, signedData));
}

/** A DER ContentInfo holding an EnvelopedData of `content` for each recipient (RFC 5652 §6, RFC 3565). */
export function envelopeContent(
  content: Buffer,
  recipients: SealRecipient[],
  contentEncryption: ContentEncryption = "aes-256-cbc",
): Buffer {
  return encodeDer(envelope([content], recipients, contentEncryption, randomBytes(32 + 16)));
}

/** `random` supplies the content key and the IV: at least 48 bytes nobody else sees. */
function envelope(
  content: Buffer[],
  recipients: SealRecipient[],
  contentEncryption: ContentEncryption,
  random: Buffer,
): DerNode {
  if (recipients.length === 0)
    throw new DirectSecurityError("no-certificate", "no recipient certificate to encrypt for");
  const algorithmOf = CONTENT_ENCRYPTION[contentEncryption];
  const key = random.subarray(0, algorithmOf.keyLength);
  const iv = random.subarray(32, 48);
  const recipientInfos = recipients.map((recipient) => {
    const bits = recipient.certificate.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new DirectSecurityError("weak-algorithm", `recipient key of ${bits} bits; 2048 required`);
    const transport = recipient.keyTransport ?? "rsa-oaep-sha256";
    return sequence(
      VERSION_0,
      certificateIdentifiers(recipient.certificate).issuerAndSerialNumber,
      KEY_ENCRYPTION_ALGORITHMS[transport],
      octetString(wrapContentKey(key, recipient.certificate.publicKey, transport)),
    );
  });
  const cipher = createCipheriv(contentEncryption, key, iv);
  const encrypted = content.map((chunk) => cipher.update(chunk));
  encrypted.push(cipher.final());
  const envelopedData = sequence(
    VERSION_0,
    set(...recipientInfos),
    sequence(
      DATA,
      algorithm(algorithmOf.oid, octetString(iv)),
      // One primitive [0] IMPLICIT OCTET STRING (DER), not chunks: smaller, and faster to read.
      contextPrimitive(0, ...encrypted),
    ),
  );
  return sequence(oid(OID.envelopedData), contextConstructed(0, envelopedData));
}

/** RFC 4055 §4.1: for OAEP the hash and the MGF1 hash are the same; pSourceAlgorithm stays at its default. */
function oaepAlgorithm(hash: string): Buffer {
  const hashAlgorithm = algorithm(hash);
  return encodeDer(
    algorithm(
      OID.rsaesOaep,
      sequence(contextConstructed(0, hashAlgorithm), contextConstructed(1, algorithm(OID.mgf1, hashAlgorithm))),
    ),
  );
}

const KEY_ENCRYPTION_ALGORITHMS: Record<KeyTransport, Buffer> = {
  "rsa-pkcs1-v1_5": encodeDer(algorithm(OID.rsaEncryption, NULL)),
  "rsa-oaep-sha256": oaepAlgorithm(OID.sha256),
  "rsa-oaep-sha1": oaepAlgorithm(OID.sha1),
};

export function toArrayBuffer(data: Buffer): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
