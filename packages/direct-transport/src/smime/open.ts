import { createDecipheriv, hash, verify as rsaVerify, constants, type X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { BerError, readBer, type BerNode } from "../asn1/ber-reader.js";
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
import { certificateFacts, certificateFromDer, certificateIdentifiers } from "../trust/certificates.js";
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
  // A base64 body decodes the same whatever its line endings: only the headers need normalising then.
  let outer = parseEntity(raw, { normalizeBody: false });
  if (headerValue(outer, "Content-Transfer-Encoding")?.toLowerCase() !== "base64") outer = parseEntity(raw);
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
  // A multipart/signed part lies within the decrypted entity, whose line endings parseEntity made canonical.
  const contentIsCanonical = isWithin(verified.content, signedEntity.body);
  const inner = parseEntity(verified.content, { canonical: contentIsCanonical });
  const innerType = parseContentType(headerValue(inner, "Content-Type"));
  // AS v1.3 §5.3: the original is carried whole as message/rfc822. Agents that sign the body directly are still
  // understood: their protected content is the body entity and the headers are the outer ones.
  const original =
    innerType.mediaType === "message/rfc822"
      ? decodeBody(inner)
      : Buffer.concat([stripMimeHeaders(outer), verified.content]);
  const originalEntity = parseEntity(original, { canonical: isWithin(original, inner.body) });
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
/** Whether `part` is a view into `whole`'s memory (so it shares its line-ending normalisation). */
function isWithin(part: Buffer, whole: Buffer): boolean {
  return (
    part.buffer === whole.buffer &&
    part.byteOffset >= whole.byteOffset &&
    part.byteOffset + part.length <= whole.byteOffset + whole.length
  );
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

/** ContentInfo (RFC 5652 §3): the inner content of the expected type, or a BerError. */
function contentOf(der: Buffer, contentType: string): BerNode {
  const contentInfo = readBer(der).expect(0x30);
  const type = contentInfo.child(0).oid();
  if (type !== contentType) throw new BerError(`content type ${type}`);
  return contentInfo.child(1, 0xa0).child(0, 0x30);
}

/** AlgorithmIdentifier (RFC 5280 §4.1.1.2). */
function algorithmOf(node: BerNode): { oid: string; params?: BerNode } {
  node.expect(0x30);
  const [id, params, extra] = node.children();
  if (!id || extra) throw new BerError("malformed AlgorithmIdentifier");
  return { oid: id.oid(), params };
}

interface KeyTransRecipient {
  /** IssuerAndSerialNumber (a SEQUENCE) or [0] subjectKeyIdentifier. */
  rid: BerNode;
  keyEncryptionAlgorithm: { oid: string; params?: BerNode };
  encryptedKey: Buffer;
}

interface ParsedEnvelopedData {
  recipients: KeyTransRecipient[];
  contentEncryption: { oid: string; params?: BerNode };
  encryptedContent?: BerNode;
}

/**
 * EnvelopedData (RFC 5652 §6.1): version, [0] originatorInfo OPTIONAL, recipientInfos, encryptedContentInfo,
 * [1] unprotectedAttrs OPTIONAL. Recipient infos other than key transport (key agreement, KEK, password) are skipped.
 */
function parseEnvelopedData(der: Buffer): ParsedEnvelopedData {
  const items = contentOf(der, OID.envelopedData).children();
  let at = 0;
  items[at++]?.expect(0x02);
  if (items[at]?.tag === 0xa0) at++;
  const recipientInfos = items[at++]?.expect(0x31);
  const encryptedContentInfo = items[at++]?.expect(0x30);
  if (items[at]?.tag === 0xa1) at++;
  if (!recipientInfos || !encryptedContentInfo || at !== items.length) throw new BerError("malformed EnvelopedData");
  const recipients: KeyTransRecipient[] = [];
  for (const info of recipientInfos.children()) {
    if (info.tag !== 0x30) continue; // KeyTransRecipientInfo is the only untagged choice
    const [version, rid, algorithm, encryptedKey, extra] = info.children();
    if (!version || !rid || !algorithm || !encryptedKey || extra) throw new BerError("malformed KeyTransRecipientInfo");
    version.expect(0x02);
    if (rid.tag !== 0x30 && rid.tag !== 0x80 && rid.tag !== 0xa0) throw new BerError("malformed recipient identifier");
    if ((encryptedKey.tag & 0xdf) !== 0x04) throw new BerError("malformed encryptedKey");
    recipients.push({ rid, keyEncryptionAlgorithm: algorithmOf(algorithm), encryptedKey: encryptedKey.octets() });
  }
  // EncryptedContentInfo: contentType, contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent OPTIONAL.
  const [contentType, algorithm, encryptedContent, extra] = encryptedContentInfo.children();
  if (!contentType || !algorithm || extra) throw new BerError("malformed EncryptedContentInfo");
  contentType.oid();
  if (encryptedContent && encryptedContent.tag !== 0x80 && encryptedContent.tag !== 0xa0) {
    throw new BerError("malformed encryptedContent");
  }
  return { recipients, contentEncryption: algorithmOf(algorithm), encryptedContent };
}

function decryptChecked(der: Buffer, credentials: DirectCredentials[]): Decrypted {
  let envelopedData: ParsedEnvelopedData;
  try {
    envelopedData = parseEnvelopedData(der);
  } catch (error) {
    throw new DirectSecurityError("malformed", "not a CMS EnvelopedData", { cause: error });
  }
  const encryption = envelopedData.contentEncryption;
  const weak = WEAK_CONTENT_ENCRYPTION[encryption.oid];
  // AS v1.3 §5.1 (and DirectTrust): AES-CBC only; 3DES and RC2 are refused before any key is touched.
  if (weak) throw new DirectSecurityError("weak-algorithm", `content encrypted with ${weak}`);
  const aes = AES_CBC[encryption.oid];
  if (!aes) throw new DirectSecurityError("weak-algorithm", `unsupported content encryption ${encryption.oid}`);
  const match = findRecipient(envelopedData.recipients, credentials);
  if (!match) {
    throw new DirectSecurityError("not-for-us", "the message is not encrypted for any of our certificates");
  }
  const { name: keyTransport, scheme } = keyTransportOf(match.info.keyEncryptionAlgorithm);
  const key = unwrapContentKey(match.info.encryptedKey, match.credentials.privateKey, scheme, aes.keyLength);
  try {
    const iv = encryption.params?.expect(0x04).content;
    const ciphertext = envelopedData.encryptedContent?.octets();
    if (!iv || !ciphertext) throw new Error("no IV or no encrypted content");
    // Padding removed here rather than by OpenSSL, to avoid copying the content once more (same check: RFC 5652
    // §6.3, 1 to 16 bytes, each holding the count).
    const decipher = createDecipheriv(aes.cipher, key, iv).setAutoPadding(false);
    const padded = decipher.update(ciphertext);
    decipher.final(); // throws unless the ciphertext is whole blocks
    const content = padded.subarray(0, padded.length - paddingLength(padded));
    return { content, keyTransport, contentEncryption: aes.cipher };
  } catch {
    // One error for every failure after the recipient match: wrong key, bad padding, corrupted content.
    throw new DirectSecurityError("decryption-failed", "the message could not be decrypted");
  }
}

/**
 * Length of the PKCS #7 padding that ends `padded` (whole blocks); throws when it is not valid padding. The last
 * 16 bytes are all looked at whatever the count, without branching on them.
 */
function paddingLength(padded: Buffer): number {
  const count = padded.length >= 16 ? padded[padded.length - 1]! : 0;
  let bad = (count === 0 ? 1 : 0) | (count > 16 ? 1 : 0);
  for (let i = 1; i <= 16 && i <= padded.length; i++) {
    const inPadding = ((i - count - 1) >> 31) & 1; // i <= count
    bad |= (padded[padded.length - i]! ^ count) * inPadding;
  }
  if (bad !== 0) throw new Error("bad padding");
  return count;
}

function findRecipient(recipients: KeyTransRecipient[], credentials: DirectCredentials[]) {
  for (const info of recipients) {
    for (const candidate of credentials) {
      if (identifies(info.rid, candidate.certificate)) return { info, credentials: candidate };
    }
  }
  return undefined;
}

/**
 * Whether a SignerIdentifier or RecipientIdentifier names `certificate` (RFC 5652 §5.3, §6.2.1): an
 * IssuerAndSerialNumber, or a [0] subjectKeyIdentifier.
 */
function identifies(id: BerNode, certificate: X509Certificate): boolean {
  if (id.tag === 0x30) {
    const [issuer, serial] = id.children();
    if (!issuer || !serial) return false;
    const own = certificateIdentifiers(certificate);
    return serial.tag === 0x02 && serial.content.equals(own.serial) && namesEqual(issuer.raw, own.issuer);
  }
  if (id.tag === 0x80 || id.tag === 0xa0) {
    const ski = certificateFacts(certificate).subjectKeyIdentifier;
    return !!ski && ski.equals(id.octets());
  }
  return false;
}

/**
 * Names compare equal when their encodings do; otherwise as X.520 names (case and blanks folded, any string type),
 * as before, for senders that re-encode the issuer.
 */
function namesEqual(a: Buffer, b: Buffer): boolean {
  if (a.equals(b)) return true;
  try {
    const left = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(a).result });
    const right = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(b).result });
    return left.isEqual(right);
  } catch {
    return false;
  }
}

const OAEP_HASHES: Record<string, OaepHash> = {
  [OID.sha1]: "sha1",
  [OID.sha256]: "sha256",
  [OID.sha384]: "sha384",
  [OID.sha512]: "sha512",
};

/** The [n] EXPLICIT fields of a parameters SEQUENCE, by n. */
function explicitFields(params: BerNode | undefined): Map<number, BerNode> {
  const fields = new Map<number, BerNode>();
  for (const field of params?.expect(0x30).children() ?? []) {
    if ((field.tag & 0xe0) !== 0xa0) throw new BerError("malformed parameters");
    fields.set(field.tag & 0x1f, field.child(0));
  }
  return fields;
}

function keyTransportOf(algorithm: { oid: string; params?: BerNode }): {
  name: ReceivedKeyTransport;
  scheme: "rsa-pkcs1-v1_5" | { oaep: OaepHash; mgf1: OaepHash };
} {
  if (algorithm.oid === OID.rsaEncryption) return { name: "rsa-pkcs1-v1_5", scheme: "rsa-pkcs1-v1_5" };
  if (algorithm.oid === OID.rsaesOaep) {
    // RFC 4055 §4.1: RSAES-OAEP-params ::= SEQUENCE { [0] hashAlgorithm DEFAULT sha1,
    // [1] maskGenAlgorithm DEFAULT mgf1SHA1, [2] pSourceAlgorithm DEFAULT pSpecifiedEmpty }.
    const fields = explicitFields(algorithm.params);
    const hashField = fields.get(0);
    const hashOid = hashField ? algorithmOf(hashField).oid : OID.sha1;
    const maskGen = fields.get(1) ? algorithmOf(fields.get(1)!) : { oid: OID.mgf1, params: undefined };
    const mgfOid = maskGen.params ? algorithmOf(maskGen.params).oid : OID.sha1;
    const hash = OAEP_HASHES[hashOid];
    const mgf1 = OAEP_HASHES[mgfOid];
    if (!hash || !mgf1 || maskGen.oid !== OID.mgf1) {
      throw new DirectSecurityError(
        "weak-algorithm",
        `unsupported RSA-OAEP parameters (hash ${hashOid}, MGF ${mgfOid})`,
      );
    }
    const name: ReceivedKeyTransport = hash === mgf1 ? `rsa-oaep-${hash}` : `rsa-oaep-${hash}-mgf1-${mgf1}`;
    return { name, scheme: { oaep: hash, mgf1 } };
  }
  throw new DirectSecurityError("weak-algorithm", `unsupported key transport ${algorithm.oid}`);
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

interface ParsedSignedData {
  /** eContent, when the content is embedded. */
  content?: Buffer;
  /** DER of each certificate (CertificateChoices other than Certificate are skipped). */
  certificates: Buffer[];
  signerInfos: ParsedSignerInfo[];
}

/**
 * SignedData (RFC 5652 §5.1): version, digestAlgorithms, encapContentInfo, [0] certificates OPTIONAL,
 * [1] crls OPTIONAL, signerInfos.
 */
function parseSignedData(der: Buffer): ParsedSignedData {
  const items = contentOf(der, OID.signedData).children();
  let at = 0;
  items[at++]?.expect(0x02);
  items[at++]?.expect(0x31);
  const encapContentInfo = items[at++]?.expect(0x30);
  const certificates = items[at]?.tag === 0xa0 ? items[at++] : undefined;
  if (items[at]?.tag === 0xa1) at++;
  const signerInfos = items[at++]?.expect(0x31);
  if (!encapContentInfo || !signerInfos || at !== items.length) throw new BerError("malformed SignedData");
  // EncapsulatedContentInfo: eContentType, [0] EXPLICIT eContent OCTET STRING OPTIONAL.
  const [eContentType, eContent, extra] = encapContentInfo.children();
  if (!eContentType || extra) throw new BerError("malformed EncapsulatedContentInfo");
  eContentType.oid();
  let content: Buffer | undefined;
  if (eContent) {
    const octets = eContent.expect(0xa0).child(0);
    if ((octets.tag & 0xdf) !== 0x04) throw new BerError("eContent is not an OCTET STRING");
    content = octets.octets();
  }
  return {
    content,
    certificates: (certificates?.children() ?? []).filter((c) => c.tag === 0x30).map((c) => c.raw),
    signerInfos: signerInfos.children().map(parseSignerInfo),
  };
}

function verifySignedData(der: Buffer, detachedContent: Buffer | undefined): VerifiedContent {
  let signedData: ParsedSignedData;
  let certificates: X509Certificate[];
  try {
    signedData = parseSignedData(der);
    certificates = signedData.certificates.map(certificateFromDer);
  } catch (error) {
    throw new DirectSecurityError("malformed", "not a CMS SignedData", { cause: error });
  }
  const content = detachedContent ?? signedData.content;
  if (!content) throw new DirectSecurityError("malformed", "SignedData without content");
  if (signedData.signerInfos.length === 0) throw new DirectSecurityError("not-signed", "SignedData has no signer");
  const signers: VerifiedContent["signers"] = [];
  let firstError: unknown;
  const digests = new Map<string, Buffer>();
  for (const signerInfo of signedData.signerInfos) {
    try {
      signers.push(verifySignerInfo(signerInfo, certificates, content, digests));
    } catch (error) {
      firstError ??= error;
    }
  }
  if (signers.length === 0) throw firstError;
  return { content, signers, certificates };
}

interface ParsedSignerInfo {
  sid: BerNode;
  digestAlgorithm: string;
  /** The [0] IMPLICIT signedAttrs element, as received, and the first value of each attribute by type. */
  signedAttrs?: { node: BerNode; values: Map<string, BerNode> };
  signatureAlgorithm: { oid: string; params?: BerNode };
  signature: Buffer;
}

/**
 * SignerInfo (RFC 5652 §5.3): version, sid, digestAlgorithm, [0] signedAttrs OPTIONAL, signatureAlgorithm,
 * signature, [1] unsignedAttrs OPTIONAL.
 */
function parseSignerInfo(node: BerNode): ParsedSignerInfo {
  const items = node.expect(0x30).children();
  let at = 0;
  items[at++]?.expect(0x02);
  const sid = items[at++];
  const digestAlgorithm = items[at++];
  const signedAttrs = items[at]?.tag === 0xa0 ? items[at++] : undefined;
  const signatureAlgorithm = items[at++];
  const signature = items[at++];
  if (items[at]?.tag === 0xa1) at++;
  if (!sid || !digestAlgorithm || !signatureAlgorithm || !signature || at !== items.length) {
    throw new BerError("malformed SignerInfo");
  }
  if ((signature.tag & 0xdf) !== 0x04) throw new BerError("malformed signature");
  return {
    sid,
    digestAlgorithm: algorithmOf(digestAlgorithm).oid,
    signedAttrs: signedAttrs && { node: signedAttrs, values: attributeValues(signedAttrs) },
    signatureAlgorithm: algorithmOf(signatureAlgorithm),
    signature: signature.octets(),
  };
}

/** The first value of each signed attribute, by attribute type. */
function attributeValues(signedAttrs: BerNode): Map<string, BerNode> {
  const values = new Map<string, BerNode>();
  for (const attribute of signedAttrs.children()) {
    const type = attribute.expect(0x30).child(0).oid();
    const first = attribute.child(1, 0x31).children()[0];
    if (first && !values.has(type)) values.set(type, first);
  }
  return values;
}

function verifySignerInfo(
  signerInfo: ParsedSignerInfo,
  certificates: X509Certificate[],
  content: Buffer,
  digests: Map<string, Buffer>,
): { signer: X509Certificate; digest: string } {
  const signer = certificates.find((c) => identifies(signerInfo.sid, c));
  if (!signer) throw new DirectSecurityError("untrusted-anchor", "the signer certificate is not in the message");

  // AS v1.3 §5.1: SHA-256 (or stronger) digests; SHA-1 and MD5 are refused.
  const digestOid = signerInfo.digestAlgorithm;
  const digest = STRONG_DIGESTS[digestOid];
  if (!digest) {
    throw new DirectSecurityError("weak-algorithm", `signature digest ${WEAK_DIGESTS[digestOid] ?? digestOid}`);
  }
  const signatureOid = signerInfo.signatureAlgorithm.oid;
  if (WEAK_RSA_SIGNATURES[signatureOid]) {
    throw new DirectSecurityError("weak-algorithm", `signature algorithm ${WEAK_RSA_SIGNATURES[signatureOid]}`);
  }
  const bits = signer.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new DirectSecurityError("weak-algorithm", `signer RSA key of ${bits} bits`);

  let contentDigest = digests.get(digest);
  if (!contentDigest) {
    contentDigest = hash(digest, content, "buffer");
    digests.set(digest, contentDigest);
  }
  const signature = signerInfo.signature;
  let signedBytes: Buffer;
  if (signerInfo.signedAttrs) {
    // RFC 5652 §5.4: the digest is taken over the DER of the attributes with an explicit SET OF tag.
    const attributes = signerInfo.signedAttrs.values;
    const messageDigest = attributes.get(OID.messageDigest);
    const contentType = attributes.get(OID.contentType);
    if (!messageDigest || messageDigest.tag !== 0x04 || !contentType) {
      throw new DirectSecurityError("malformed", "signed attributes lack messageDigest or contentType");
    }
    if (!messageDigest.content.equals(contentDigest)) {
      throw new DirectSecurityError("tampered", "the content does not match the signed digest");
    }
    signedBytes = Buffer.from(signerInfo.signedAttrs.node.raw);
    signedBytes[0] = 0x31;
  } else {
    signedBytes = content;
  }
  let valid: boolean;
  try {
    if (signatureOid === OID.rsassaPss) {
      // RFC 4055 §3.1: RSASSA-PSS-params ::= SEQUENCE { [0] hashAlgorithm DEFAULT sha1,
      // [1] maskGenAlgorithm DEFAULT mgf1SHA1, [2] saltLength DEFAULT 20, [3] trailerField DEFAULT 1 }.
      const fields = explicitFields(signerInfo.signatureAlgorithm.params);
      const hashField = fields.get(0);
      const pssHash = STRONG_DIGESTS[hashField ? algorithmOf(hashField).oid : OID.sha1];
      if (!pssHash) throw new DirectSecurityError("weak-algorithm", "RSASSA-PSS with a weak hash");
      const saltField = fields.get(2)?.expect(0x02).content;
      const saltLength = saltField ? saltField.readUIntBE(0, Math.min(saltField.length, 6)) : 20;
      valid = rsaVerify(
        pssHash,
        signedBytes,
        { key: signer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
        signature,
      );
    } else {
      valid = rsaVerify(digest, signedBytes, signer.publicKey, signature);
    }
  } catch (error) {
    if (error instanceof DirectSecurityError) throw error;
    valid = false;
  }
  if (!valid) throw new DirectSecurityError("tampered", "the signature does not verify");
  return { signer, digest };
}
