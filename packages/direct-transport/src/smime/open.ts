import { createDecipheriv, createHash, verify as rsaVerify, constants, X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { DirectSecurityError } from "../errors.js";
import { AES_CBC, OID, STRONG_DIGESTS, WEAK_CONTENT_ENCRYPTION, WEAK_DIGESTS, WEAK_RSA_SIGNATURES } from "../oids.js";
import {
  addressesIn,
  decodeBody,
  headerValue,
  parseContentType,
  parseEntity,
  splitMultipart,
  type MimeEntity,
} from "../mime/entity.js";
import { certificateFacts, toPkijsCertificate } from "../trust/certificates.js";
import type { DirectCredentials } from "../trust/credentials.js";
import type { TrustAnchors } from "../trust/trust-anchors.js";
import { checkSenderBinding, validateCertificatePath, type ValidationPolicy } from "../trust/validate-certificate.js";
import { unwrapContentKey, type OaepHash, type ReceivedKeyTransport } from "./rsa-key-transport.js";

export interface SmtpEnvelope {
  /** MAIL FROM */
  from: string;
  /** RCPT TO */
  to: string[];
}

export interface OpenOptions {
  /** Conduit's decryption credentials (any that may match a recipient info). */
  credentials: DirectCredentials[];
  /** Trust anchors per local address or domain. */
  trust: TrustAnchors;
  /**
   * The SMTP envelope the message arrived with. When given, the routing-tamper rule is enforced; the local
   * recipients whose anchors are used are its RCPT TO addresses (otherwise the protected To/Cc).
   */
  envelope?: SmtpEnvelope;
  policy?: ValidationPolicy;
}

export interface OpenedMessage {
  /** The original RFC 5322 message (the content of the message/rfc822 part). */
  original: Buffer;
  /** Parsed headers of the original. */
  headers: MimeEntity["headers"];
  /** Sender address from the protected From. */
  sender: string;
  /** Recipient addresses from the protected To and Cc. */
  recipients: string[];
  signer: X509Certificate;
  /** Signer path, signer first, anchor last. */
  signerPath: X509Certificate[];
  algorithms: { keyTransport: ReceivedKeyTransport; contentEncryption: string; digest: string };
}

/**
 * Opens an inbound Direct message (AS v1.3 §5): decrypt, verify the signature and the signer, unwrap message/rfc822,
 * and check that the SMTP envelope matches the protected headers. Throws a DirectSecurityError naming the cause.
 */
export async function openMessage(raw: Buffer, options: OpenOptions): Promise<OpenedMessage> {
  try {
    return await openChecked(raw, options);
  } catch (error) {
    throw asSecurityError(error);
  }
}

/** Anything a parser throws on damaged input becomes a `malformed` refusal: callers handle one error type. */
function asSecurityError(error: unknown): DirectSecurityError {
  if (error instanceof DirectSecurityError) return error;
  return new DirectSecurityError("malformed", "the message structure could not be read", { cause: error });
}

async function openChecked(raw: Buffer, options: OpenOptions): Promise<OpenedMessage> {
  const outer = parseEntity(raw);
  const outerType = parseContentType(headerValue(outer, "Content-Type"));
  if (!isPkcs7Mime(outerType.mediaType) || (outerType.params["smime-type"] ?? "enveloped-data") !== "enveloped-data") {
    throw new DirectSecurityError("not-encrypted", `content type ${outerType.mediaType} is not an encrypted message`);
  }
  const {
    content: decrypted,
    keyTransport,
    contentEncryption,
  } = decryptEnvelopedData(decodeBody(outer), options.credentials);
  const signedEntity = parseEntity(decrypted);
  if (headerValue(signedEntity, "Content-Type") === undefined) {
    // A wrong content key can, rarely, pass the CBC padding check and yield noise: report it like any other
    // decryption failure, so the error type never depends on what the key unwrap produced.
    throw new DirectSecurityError("decryption-failed", "the message could not be decrypted");
  }
  const verified = verifySignedEntity(signedEntity);
  const inner = parseEntity(verified.content);
  const innerType = parseContentType(headerValue(inner, "Content-Type"));
  // AS v1.3 §5.3: the original is carried whole as message/rfc822. Agents that sign the body directly are still
  // understood: their protected content is the body entity and the headers are the outer ones.
  const original =
    innerType.mediaType === "message/rfc822"
      ? decodeBody(inner)
      : Buffer.concat([stripMimeHeaders(outer), verified.content]);
  const originalEntity = parseEntity(original);
  const sender = addressesIn(headerValue(originalEntity, "From"))[0];
  if (!sender) throw new DirectSecurityError("malformed", "the protected message has no From address");
  const recipients = [
    ...addressesIn(headerValue(originalEntity, "To")),
    ...addressesIn(headerValue(originalEntity, "Cc")),
  ];
  if (options.envelope) {
    // A protected Bcc (rarely kept inside) also legitimately routes the message.
    const routable = [...recipients, ...addressesIn(headerValue(originalEntity, "Bcc"))];
    checkRouting(options.envelope, sender, routable, outer);
  }
  // Without an envelope, the local recipients are the protected ones this agent has anchors for (a Cc to another
  // domain is not ours to judge).
  const withAnchors = recipients.filter((r) => options.trust.anchorsFor(r).length > 0);
  const localRecipients =
    options.envelope?.to.map((a) => a.toLowerCase()) ?? (withAnchors.length ? withAnchors : recipients);
  if (localRecipients.length === 0) {
    throw new DirectSecurityError("not-for-us", "no local recipient to decide trust for");
  }
  // Agents may sign with several certificates (address- and domain-bound): one that passes every check suffices.
  let firstError: unknown;
  for (const candidate of verified.signers) {
    try {
      let signerPath: X509Certificate[] = [];
      for (const local of localRecipients) {
        signerPath = await validateCertificatePath({
          leaf: candidate.signer,
          intermediates: verified.certificates,
          anchors: options.trust.anchorsFor(local),
          purpose: "signing",
          policy: options.policy,
        });
      }
      checkSenderBinding(candidate.signer, sender);
      return {
        original,
        headers: originalEntity.headers,
        sender,
        recipients,
        signer: candidate.signer,
        signerPath,
        algorithms: { keyTransport, contentEncryption, digest: candidate.digest },
      };
    } catch (error) {
      firstError ??= error;
    }
  }
  throw firstError;
}
function isPkcs7Mime(mediaType: string): boolean {
  return mediaType === "application/pkcs7-mime" || mediaType === "application/x-pkcs7-mime";
}

function stripMimeHeaders(entity: MimeEntity): Buffer {
  const kept = entity.headers.filter((h) => !/^(content-|mime-version$)/i.test(h.name));
  return Buffer.from(kept.map((h) => `${h.name}: ${h.value}\r\n`).join(""), "latin1");
}

/**
 * The routing-tamper rule (AS v1.3 §5.3, RFC 8551 §3.1): the message/rfc822 headers are the protected ones, so the
 * SMTP envelope and the unprotected outer headers must agree with them, or the message was re-routed in transit.
 */
function checkRouting(envelope: SmtpEnvelope, sender: string, recipients: string[], outer: MimeEntity): void {
  // RFC 5321 §4.5.5: a null reverse-path (MAIL FROM:<>) is what delivery status notifications use; there is no
  // sender to compare then, and the signature's binding to the protected From still holds.
  if (envelope.from !== "" && envelope.from.toLowerCase() !== sender) {
    throw new DirectSecurityError(
      "routing-mismatch",
      `SMTP MAIL FROM ${envelope.from} differs from the protected From ${sender}`,
    );
  }
  for (const recipient of envelope.to) {
    if (!recipients.includes(recipient.toLowerCase())) {
      throw new DirectSecurityError(
        "routing-mismatch",
        `SMTP RCPT TO ${recipient} is not among the protected To/Cc/Bcc recipients`,
      );
    }
  }
  const outerFrom = addressesIn(headerValue(outer, "From"))[0];
  if (outerFrom && outerFrom !== sender) {
    throw new DirectSecurityError(
      "routing-mismatch",
      `outer From ${outerFrom} differs from the protected From ${sender}`,
    );
  }
}

interface Decrypted {
  content: Buffer;
  keyTransport: ReceivedKeyTransport;
  contentEncryption: string;
}

/** Decrypts a DER/BER ContentInfo(EnvelopedData) with the first of our credentials a recipient info names. */
export function decryptEnvelopedData(der: Buffer, credentials: DirectCredentials[]): Decrypted {
  try {
    return decryptChecked(der, credentials);
  } catch (error) {
    throw asSecurityError(error);
  }
}

function decryptChecked(der: Buffer, credentials: DirectCredentials[]): Decrypted {
  let envelopedData: pkijs.EnvelopedData;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(der);
    if (contentInfo.contentType !== OID.envelopedData) throw new Error(`content type ${contentInfo.contentType}`);
    envelopedData = new pkijs.EnvelopedData({ schema: contentInfo.content });
  } catch (error) {
    throw new DirectSecurityError("malformed", "not a CMS EnvelopedData", { cause: error });
  }
  const encryption = envelopedData.encryptedContentInfo.contentEncryptionAlgorithm;
  const weak = WEAK_CONTENT_ENCRYPTION[encryption.algorithmId];
  // AS v1.3 §5.1 (and DirectTrust): AES-CBC only; 3DES and RC2 are refused before any key is touched.
  if (weak) throw new DirectSecurityError("weak-algorithm", `content encrypted with ${weak}`);
  const aes = AES_CBC[encryption.algorithmId];
  if (!aes) throw new DirectSecurityError("weak-algorithm", `unsupported content encryption ${encryption.algorithmId}`);
  const match = findRecipient(envelopedData, credentials);
  if (!match) {
    throw new DirectSecurityError("not-for-us", "the message is not encrypted for any of our certificates");
  }
  const { name: keyTransport, scheme } = keyTransportOf(match.info.keyEncryptionAlgorithm);
  const encryptedKey = Buffer.from(match.info.encryptedKey.valueBlock.valueHexView);
  const key = unwrapContentKey(encryptedKey, match.credentials.privateKey, scheme, aes.keyLength);
  try {
    const iv = Buffer.from((encryption.algorithmParams as asn1js.OctetString).valueBlock.valueHexView);
    const ciphertext = Buffer.from(envelopedData.encryptedContentInfo.getEncryptedContent());
    const decipher = createDecipheriv(aes.cipher, key, iv);
    const content = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return { content, keyTransport, contentEncryption: aes.cipher };
  } catch {
    // One error for every failure after the recipient match: wrong key, bad padding, corrupted content.
    throw new DirectSecurityError("decryption-failed", "the message could not be decrypted");
  }
}

function findRecipient(envelopedData: pkijs.EnvelopedData, credentials: DirectCredentials[]) {
  for (const recipientInfo of envelopedData.recipientInfos) {
    if (recipientInfo.variant !== 1) continue;
    const info = recipientInfo.value as pkijs.KeyTransRecipientInfo;
    for (const candidate of credentials) {
      if (matchesIdentifier(info.rid, candidate.certificate)) return { info, credentials: candidate };
    }
  }
  return undefined;
}

function matchesIdentifier(rid: unknown, certificate: X509Certificate): boolean {
  if (rid instanceof pkijs.IssuerAndSerialNumber) {
    const parsed = toPkijsCertificate(certificate);
    return parsed.serialNumber.isEqual(rid.serialNumber) && parsed.issuer.isEqual(rid.issuer);
  }
  if (rid instanceof asn1js.OctetString) {
    const ski = certificateFacts(certificate).subjectKeyIdentifier;
    return !!ski && ski.equals(Buffer.from(rid.valueBlock.valueHexView));
  }
  return false;
}

const OAEP_HASHES: Record<string, OaepHash> = {
  [OID.sha1]: "sha1",
  [OID.sha256]: "sha256",
  [OID.sha384]: "sha384",
  [OID.sha512]: "sha512",
};

function keyTransportOf(algorithm: pkijs.AlgorithmIdentifier): {
  name: ReceivedKeyTransport;
  scheme: "rsa-pkcs1-v1_5" | { oaep: OaepHash; mgf1: OaepHash };
} {
  if (algorithm.algorithmId === OID.rsaEncryption) return { name: "rsa-pkcs1-v1_5", scheme: "rsa-pkcs1-v1_5" };
  if (algorithm.algorithmId === OID.rsaesOaep) {
    // RFC 4055 §4.1: absent parameters mean SHA-1 and MGF1 with SHA-1.
    const params = algorithm.algorithmParams
      ? new pkijs.RSAESOAEPParams({ schema: algorithm.algorithmParams })
      : new pkijs.RSAESOAEPParams();
    const hashOid = params.hashAlgorithm.algorithmId;
    const mgfOid = params.maskGenAlgorithm.algorithmParams
      ? new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams }).algorithmId
      : OID.sha1;
    const hash = OAEP_HASHES[hashOid];
    const mgf1 = OAEP_HASHES[mgfOid];
    if (!hash || !mgf1 || params.maskGenAlgorithm.algorithmId !== OID.mgf1) {
      throw new DirectSecurityError(
        "weak-algorithm",
        `unsupported RSA-OAEP parameters (hash ${hashOid}, MGF ${mgfOid})`,
      );
    }
    const name: ReceivedKeyTransport = hash === mgf1 ? `rsa-oaep-${hash}` : `rsa-oaep-${hash}-mgf1-${mgf1}`;
    return { name, scheme: { oaep: hash, mgf1 } };
  }
  throw new DirectSecurityError("weak-algorithm", `unsupported key transport ${algorithm.algorithmId}`);
}

export interface VerifiedContent {
  /** The signed content, byte for byte. */
  content: Buffer;
  /** Signers whose signature verifies over the content (at least one). Trust is decided by the caller. */
  signers: { signer: X509Certificate; digest: string }[];
  /** Every certificate the SignedData carries (candidate intermediates). */
  certificates: X509Certificate[];
}

/**
 * Verifies a multipart/signed entity (RFC 8551 §3.5.3) or an opaque signed-data entity (§3.5.2). The micalg
 * parameter is informational: the digest algorithm that counts is the SignerInfo's, so both `sha-256` (RFC 5751)
 * and the `sha256` spelling some agents write are accepted.
 */
export function verifySignedEntity(entity: MimeEntity): VerifiedContent {
  try {
    return verifyChecked(entity);
  } catch (error) {
    throw asSecurityError(error);
  }
}

function verifyChecked(entity: MimeEntity): VerifiedContent {
  const type = parseContentType(headerValue(entity, "Content-Type"));
  if (type.mediaType === "multipart/signed") {
    const boundary = type.params["boundary"];
    if (!boundary) throw new DirectSecurityError("malformed", "multipart/signed without a boundary");
    const [content, signaturePart] = splitMultipart(entity.body, boundary);
    if (!content || !signaturePart) throw new DirectSecurityError("malformed", "multipart/signed needs two parts");
    const signatureEntity = parseEntity(signaturePart);
    const signatureType = parseContentType(headerValue(signatureEntity, "Content-Type")).mediaType;
    if (signatureType !== "application/pkcs7-signature" && signatureType !== "application/x-pkcs7-signature") {
      throw new DirectSecurityError("malformed", `signature part of type ${signatureType}`);
    }
    return verifySignedData(decodeBody(signatureEntity), content);
  }
  if (isPkcs7Mime(type.mediaType) && type.params["smime-type"] === "signed-data") {
    return verifySignedData(decodeBody(entity), undefined);
  }
  throw new DirectSecurityError("not-signed", `decrypted content of type ${type.mediaType} is not signed`);
}

function verifySignedData(der: Buffer, detachedContent: Buffer | undefined): VerifiedContent {
  let signedData: pkijs.SignedData;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(der);
    if (contentInfo.contentType !== OID.signedData) throw new Error(`content type ${contentInfo.contentType}`);
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (error) {
    throw new DirectSecurityError("malformed", "not a CMS SignedData", { cause: error });
  }
  let content = detachedContent;
  if (!content) {
    const eContent = signedData.encapContentInfo.eContent;
    if (!eContent) throw new DirectSecurityError("malformed", "SignedData without content");
    content = Buffer.from(eContent.getValue());
  }
  const certificates = (signedData.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => ({ pkijs: c, node: new X509Certificate(Buffer.from(c.toSchema().toBER())) }));
  if (signedData.signerInfos.length === 0) throw new DirectSecurityError("not-signed", "SignedData has no signer");
  const signers: VerifiedContent["signers"] = [];
  let firstError: unknown;
  for (const signerInfo of signedData.signerInfos) {
    try {
      signers.push(verifySignerInfo(signerInfo, certificates, content));
    } catch (error) {
      firstError ??= error;
    }
  }
  if (signers.length === 0) throw firstError;
  return { content, signers, certificates: certificates.map((c) => c.node) };
}

function verifySignerInfo(
  signerInfo: pkijs.SignerInfo,
  certificates: { pkijs: pkijs.Certificate; node: X509Certificate }[],
  content: Buffer,
): { signer: X509Certificate; digest: string } {
  const signer = certificates.find((c) => signerMatches(signerInfo.sid, c.pkijs, c.node));
  if (!signer) throw new DirectSecurityError("untrusted-anchor", "the signer certificate is not in the message");

  // AS v1.3 §5.1: SHA-256 (or stronger) digests; SHA-1 and MD5 are refused.
  const digestOid = signerInfo.digestAlgorithm.algorithmId;
  const digest = STRONG_DIGESTS[digestOid];
  if (!digest) {
    throw new DirectSecurityError("weak-algorithm", `signature digest ${WEAK_DIGESTS[digestOid] ?? digestOid}`);
  }
  const signatureOid = signerInfo.signatureAlgorithm.algorithmId;
  if (WEAK_RSA_SIGNATURES[signatureOid]) {
    throw new DirectSecurityError("weak-algorithm", `signature algorithm ${WEAK_RSA_SIGNATURES[signatureOid]}`);
  }
  const bits = signer.node.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new DirectSecurityError("weak-algorithm", `signer RSA key of ${bits} bits`);

  const contentDigest = createHash(digest).update(content).digest();
  const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
  let signedBytes: Buffer;
  if (signerInfo.signedAttrs) {
    // RFC 5652 §5.4: the digest is taken over the DER of the attributes with an explicit SET OF tag.
    const attrs = signerInfo.signedAttrs.attributes;
    const messageDigest = attrs.find((a) => a.type === OID.messageDigest)?.values[0] as asn1js.OctetString | undefined;
    const contentType = attrs.find((a) => a.type === OID.contentType)?.values[0] as asn1js.ObjectIdentifier | undefined;
    if (!messageDigest || !contentType) {
      throw new DirectSecurityError("malformed", "signed attributes lack messageDigest or contentType");
    }
    if (!Buffer.from(messageDigest.valueBlock.valueHexView).equals(contentDigest)) {
      throw new DirectSecurityError("tampered", "the content does not match the signed digest");
    }
    const encoded = Buffer.from(signerInfo.signedAttrs.encodedValue);
    signedBytes = Buffer.from(encoded);
    signedBytes[0] = 0x31;
  } else {
    signedBytes = content;
  }
  let valid: boolean;
  try {
    if (signatureOid === OID.rsassaPss) {
      const params = new pkijs.RSASSAPSSParams({ schema: signerInfo.signatureAlgorithm.algorithmParams });
      const pssHash = STRONG_DIGESTS[params.hashAlgorithm.algorithmId];
      if (!pssHash) throw new DirectSecurityError("weak-algorithm", "RSASSA-PSS with a weak hash");
      valid = rsaVerify(
        pssHash,
        signedBytes,
        { key: signer.node.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength },
        signature,
      );
    } else {
      valid = rsaVerify(digest, signedBytes, signer.node.publicKey, signature);
    }
  } catch (error) {
    if (error instanceof DirectSecurityError) throw error;
    valid = false;
  }
  if (!valid) throw new DirectSecurityError("tampered", "the signature does not verify");
  return { signer: signer.node, digest };
}

function signerMatches(sid: unknown, certificate: pkijs.Certificate, node: X509Certificate): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certificate.serialNumber.isEqual(sid.serialNumber) && certificate.issuer.isEqual(sid.issuer);
  }
  // RFC 5652 §5.3: sid [0] SubjectKeyIdentifier; pkijs keeps it as the raw context-tagged block.
  const ski = certificateFacts(node).subjectKeyIdentifier;
  const block = sid as { valueBlock?: { valueHexView?: Uint8Array } };
  return !!ski && !!block.valueBlock?.valueHexView && ski.equals(Buffer.from(block.valueBlock.valueHexView));
}
