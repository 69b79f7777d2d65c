import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import type * as asn1js from "asn1js";
import * as pkijs from "pkijs";
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
