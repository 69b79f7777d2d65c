import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import type * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { readBer } from "../asn1/ber-reader.js";
import { encodeDer, sequence } from "../asn1/der-writer.js";
import { DirectSecurityError } from "../errors.js";
import { OID } from "../oids.js";

/** Facts about a certificate the security agent checks, read from its ASN.1 (Node's X509Certificate lacks them). */
export interface CertificateFacts {
  signatureAlgorithm: string;
  /** Key usage bits by name, or undefined when the extension is absent. */
  keyUsage?: Set<KeyUsage>;
  /** rfc822Name entries, lower case. */
  emails: string[];
  /** dNSName entries, lower case. */
  dnsNames: string[];
  subjectKeyIdentifier?: Buffer;
}

export type KeyUsage =
  | "digitalSignature"
  | "nonRepudiation"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "cRLSign";

const KEY_USAGE_BITS: KeyUsage[] = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
];

const factsCache = new WeakMap<X509Certificate, CertificateFacts>();

const pkijsCache = new WeakMap<X509Certificate, pkijs.Certificate>();

/** The pkijs view of a certificate (parsed once per X509Certificate object; treat it as read-only). */
export function toPkijsCertificate(certificate: X509Certificate): pkijs.Certificate {
  let parsed = pkijsCache.get(certificate);
  if (!parsed) {
    parsed = pkijs.Certificate.fromBER(certificate.raw);
    pkijsCache.set(certificate, parsed);
  }
  return parsed;
}

/** How CMS names a certificate (RFC 5652 §10.2.4), read from its DER. */
export interface CertificateIdentifiers {
  /** The issuer Name, as encoded in the certificate. */
  issuer: Buffer;
  /** The serialNumber INTEGER's content octets. */
  serial: Buffer;
  /** DER IssuerAndSerialNumber, ready to place in a SignerInfo or KeyTransRecipientInfo. */
  issuerAndSerialNumber: Buffer;
}

const identifiersCache = new WeakMap<X509Certificate, CertificateIdentifiers>();

export function certificateIdentifiers(certificate: X509Certificate): CertificateIdentifiers {
  let ids = identifiersCache.get(certificate);
  if (!ids) {
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, ...
    const tbs = readBer(certificate.raw).child(0, 0x30);
    const fields = tbs.children();
    const first = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = tbs.child(first, 0x02);
    const issuer = tbs.child(first + 2, 0x30);
    ids = {
      issuer: issuer.raw,
      serial: serial.content,
      issuerAndSerialNumber: encodeDer(sequence(issuer.raw, serial.raw)),
    };
    identifiersCache.set(certificate, ids);
  }
  return ids;
}

const MESSAGE_CERTIFICATES_KEPT = 256;
const byDer = new Map<string, X509Certificate>();

/**
 * The X509Certificate for a DER certificate carried in a message. The same certificates arrive with every message
 * from a sender, so parsed objects are kept (at most 256, least recently used dropped), keyed by the SHA-256 of the
 * exact DER: the facts derived from them (cached per object) are then derived once. Nothing about trust is cached
 * here.
 */
export function certificateFromDer(der: Buffer): X509Certificate {
  const key = der.toString("latin1");
  const cached = byDer.get(key);
  if (cached) {
    byDer.delete(key);
    byDer.set(key, cached);
    return cached;
  }
  const certificate = new X509Certificate(der);
  byDer.set(key, certificate);
  if (byDer.size > MESSAGE_CERTIFICATES_KEPT) byDer.delete(byDer.keys().next().value!);
  return certificate;
}

export function certificateFacts(certificate: X509Certificate): CertificateFacts {
  const cached = factsCache.get(certificate);
  if (cached) return cached;
  const parsed = toPkijsCertificate(certificate);
  const facts: CertificateFacts = {
    signatureAlgorithm: parsed.signatureAlgorithm.algorithmId,
    emails: [],
    dnsNames: [],
  };
  for (const extension of parsed.extensions ?? []) {
    if (extension.extnID === OID.keyUsage) {
      const bits = new Uint8Array((extension.parsedValue as asn1js.BitString).valueBlock.valueHexView);
      const usage = new Set<KeyUsage>();
      KEY_USAGE_BITS.forEach((name, index) => {
        const byte = bits[index >> 3] ?? 0;
        if (byte & (0x80 >> (index & 7))) usage.add(name);
      });
      facts.keyUsage = usage;
    } else if (extension.extnID === OID.subjectAltName) {
      for (const name of (extension.parsedValue as pkijs.AltName).altNames) {
        if (name.type === 1) facts.emails.push(String(name.value).toLowerCase());
        if (name.type === 2) facts.dnsNames.push(String(name.value).toLowerCase());
      }
    } else if (extension.extnID === OID.subjectKeyIdentifier) {
      facts.subjectKeyIdentifier = Buffer.from((extension.parsedValue as asn1js.OctetString).valueBlock.valueHexView);
    }
  }
  factsCache.set(certificate, facts);
  return facts;
}

/**
 * Reads certificates from PEM (any number of CERTIFICATE or PKCS7 blocks), a DER certificate, or a DER PKCS#7
 * certs-only bundle (the usual form of a trust bundle, as the DirectTrust bundles are published).
 */
export function loadCertificates(input: Buffer | string): X509Certificate[] {
  const buffer = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const text = buffer.toString("latin1");
  if (text.includes("-----BEGIN")) {
    const found: X509Certificate[] = [];
    const blocks = text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g);
    for (const [, label, body] of blocks) {
      const der = Buffer.from(body!.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
      if (label === "CERTIFICATE" || label === "TRUSTED CERTIFICATE") found.push(new X509Certificate(der));
      else if (label === "PKCS7" || label === "CMS") found.push(...certificatesFromPkcs7(der));
    }
    return found;
  }
  try {
    return [new X509Certificate(buffer)];
  } catch {
    return certificatesFromPkcs7(buffer);
  }
}

/** The certificates of a PKCS#7 / CMS SignedData (a "certs-only" trust bundle or a signed message). */
export function certificatesFromPkcs7(der: Buffer): X509Certificate[] {
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(der);
    if (contentInfo.contentType !== OID.signedData) throw new Error("not SignedData");
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    return (signedData.certificates ?? [])
      .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
      .map((c) => new X509Certificate(Buffer.from(c.toSchema().toBER())));
  } catch (error) {
    throw new DirectSecurityError("malformed", "not a certificate or PKCS#7 certificate bundle", { cause: error });
  }
}

/** Reads a private key from PEM (PKCS#1 or PKCS#8) or DER PKCS#8. */
export function loadPrivateKey(input: Buffer | string, passphrase?: string): KeyObject {
  const buffer = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  if (buffer.toString("latin1").includes("-----BEGIN")) return createPrivateKey({ key: buffer, passphrase });
  return createPrivateKey({ key: buffer, format: "der", type: "pkcs8" });
}

/** `local@domain` split, lower case. */
export function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf("@");
  if (at < 0) return { local: "", domain: address.toLowerCase() };
  return { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

export function rsaModulusBits(certificate: X509Certificate): number | undefined {
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "rsa-pss") return undefined;
  return key.asymmetricKeyDetails?.modulusLength;
}
