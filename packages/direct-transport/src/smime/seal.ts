import { createCipheriv, createHash, randomBytes, sign as rsaSign, type X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { DirectSecurityError } from "../errors.js";
import { OID } from "../oids.js";
import { base64Lines, headerValues, parseEntity, toCrlf } from "../mime/entity.js";
import { toPkijsCertificate } from "../trust/certificates.js";
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
  const parsed = parseEntity(canonical);
  const wrapped = Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), canonical]);
  const signed = signEntity(wrapped, options.signer, options.signingTime);
  const enveloped = envelopeContent(signed, options.recipients, options.contentEncryption ?? "aes-256-cbc");
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
  return Buffer.concat([Buffer.from(outer.join("\r\n") + "\r\n\r\n"), Buffer.from(base64Lines(enveloped))]);
}

/**
 * Signs a MIME entity as multipart/signed with a detached CMS signature (RFC 8551 §3.5.3). The entity must already
 * be in canonical form (CRLF line endings); its bytes are the signed content, unchanged.
 */
export function signEntity(entity: Buffer, signer: DirectCredentials, signingTime: Date = new Date()): Buffer {
  const boundary = `----=_Conduit_${randomBytes(12).toString("hex")}`;
  const signature = createDetachedSignature(entity, signer, signingTime);
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
  return Buffer.concat([Buffer.from(parts + "\r\n"), entity, Buffer.from(signaturePart)]);
}

/** A DER ContentInfo holding a detached SignedData over `content` (RFC 5652 §5), SHA-256 with RSA. */
export function createDetachedSignature(content: Buffer, signer: DirectCredentials, signingTime: Date): Buffer {
  const bits = signer.certificate.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new DirectSecurityError("weak-algorithm", `signing key of ${bits} bits; 2048 required`);
  const certificate = toPkijsCertificate(signer.certificate);
  const digest = createHash("sha256").update(content).digest();
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: signingTime })] }),
    new pkijs.Attribute({
      type: OID.messageDigest,
      values: [new asn1js.OctetString({ valueHex: toArrayBuffer(digest) })],
    }),
  ];
  // DER: a SET OF is sorted by the encodings of its elements (X.690 §11.6); verifiers re-encode and compare.
  attributes.sort((a, b) => Buffer.compare(Buffer.from(a.toSchema().toBER()), Buffer.from(b.toSchema().toBER())));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
  const toSign = Buffer.from(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER());
  const signature = rsaSign("sha256", toSign, signer.privateKey);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: OID.sha256WithRSAEncryption,
      algorithmParams: new asn1js.Null(),
    }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    // AS v1.3 §5.1 / RFC 8551 §2.4.1: include the signer certificate and its chain so receivers can build the path.
    certificates: [certificate, ...signer.chain.map((c) => toPkijsCertificate(c))],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER());
}

/** A DER ContentInfo holding an EnvelopedData of `content` for each recipient (RFC 5652 §6, RFC 3565). */
export function envelopeContent(
  content: Buffer,
  recipients: SealRecipient[],
  contentEncryption: ContentEncryption = "aes-256-cbc",
): Buffer {
  if (recipients.length === 0)
    throw new DirectSecurityError("no-certificate", "no recipient certificate to encrypt for");
  const algorithm = CONTENT_ENCRYPTION[contentEncryption];
  const key = randomBytes(algorithm.keyLength);
  const iv = randomBytes(16);
  const cipher = createCipheriv(contentEncryption, key, iv);
  const encrypted = Buffer.concat([cipher.update(content), cipher.final()]);
  const recipientInfos = recipients.map((recipient) => {
    const bits = recipient.certificate.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new DirectSecurityError("weak-algorithm", `recipient key of ${bits} bits; 2048 required`);
    const transport = recipient.keyTransport ?? "rsa-oaep-sha256";
    const certificate = toPkijsCertificate(recipient.certificate);
    const ktri = new pkijs.KeyTransRecipientInfo({
      version: 0,
      rid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
      keyEncryptionAlgorithm: keyEncryptionAlgorithm(transport),
      encryptedKey: new asn1js.OctetString({
        valueHex: toArrayBuffer(wrapContentKey(key, recipient.certificate.publicKey, transport)),
      }),
    });
    return new pkijs.RecipientInfo({ variant: 1, value: ktri });
  });
  const envelopedData = new pkijs.EnvelopedData({
    version: 0,
    recipientInfos,
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: algorithm.oid,
        algorithmParams: new asn1js.OctetString({ valueHex: toArrayBuffer(iv) }),
      }),
      encryptedContent: new asn1js.OctetString({ valueHex: toArrayBuffer(encrypted) }),
      // One primitive OCTET STRING (DER) instead of pkijs's default 1 KB chunks: smaller, and far faster to parse.
      disableSplit: true,
    }),
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: envelopedData.toSchema() });
  return Buffer.from(contentInfo.toSchema().toBER());
}

function keyEncryptionAlgorithm(transport: KeyTransport): pkijs.AlgorithmIdentifier {
  if (transport === "rsa-pkcs1-v1_5") {
    return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() });
  }
  const hash = transport === "rsa-oaep-sha256" ? OID.sha256 : OID.sha1;
  // RFC 4055 §4.1: the hash and MGF1 hash are the same; pSourceAlgorithm stays at its default.
  const params = new pkijs.RSAESOAEPParams({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: hash }),
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: OID.mgf1,
      algorithmParams: new pkijs.AlgorithmIdentifier({ algorithmId: hash }).toSchema(),
    }),
  });
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaesOaep, algorithmParams: params.toSchema() });
}

export function toArrayBuffer(data: Buffer): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
