import type { X509Certificate } from "node:crypto";
import { DirectSecurityError } from "../errors.js";
import { STRONG_RSA_SIGNATURES, WEAK_RSA_SIGNATURES, OID } from "../oids.js";
import { certificateFacts, rsaModulusBits, splitAddress } from "./certificates.js";

export interface ValidationPolicy {
  /** The time to validate at; defaults to now. Use an older time only to open archived messages on purpose. */
  at?: Date;
  /** AS v1.3 §5.1 and DirectTrust policy: RSA keys of at least 2048 bits. */
  minimumRsaBits?: number;
  /**
   * Accept certificates signed with SHA-1 (message signatures must still be SHA-256 or stronger). Off by default;
   * only for legacy test material such as the Direct reference implementation's certificates.
   */
  allowSha1CertificateSignatures?: boolean;
  /** Revocation check (CRL/OCSP are the caller's choice); return true when the certificate is revoked. */
  isRevoked?: (certificate: X509Certificate, issuer: X509Certificate) => boolean | Promise<boolean>;
}

export type CertificatePurpose = "signing" | "encryption";

export interface CertificatePathInput {
  leaf: X509Certificate;
  /** Candidate intermediates (e.g. the certificates carried in the SignedData). */
  intermediates: X509Certificate[];
  anchors: X509Certificate[];
  purpose: CertificatePurpose;
  policy?: ValidationPolicy;
}

const MAX_PATH = 8;

/**
 * Builds and checks the path from a leaf to one of the anchors (RFC 5280 §6, simplified to what Direct needs):
 * signatures, validity dates, CA flags, key usage, key sizes and signature algorithms. Returns the path, leaf first,
 * anchor last. Throws a DirectSecurityError naming the first cause found.
 */
export async function validateCertificatePath(input: CertificatePathInput): Promise<X509Certificate[]> {
  const policy = input.policy ?? {};
  const path = cachedPath(input.leaf, input.intermediates, input.anchors);
  const at = policy.at ?? new Date();
  for (const [index, certificate] of path.entries()) {
    const isAnchor = index === path.length - 1;
    if (at < new Date(certificate.validFrom) || at > new Date(certificate.validTo)) {
      const role = index === 0 ? "signer" : isAnchor ? "trust anchor" : "intermediate";
      throw new DirectSecurityError(
        "expired-signer",
        `${role} certificate ${certificate.subject.replace(/\n/g, ", ")} is valid ${certificate.validFrom} to ${certificate.validTo}, not at ${at.toISOString()}`,
      );
    }
    checkKeySize(certificate, policy);
    if (!isAnchor) {
      checkSignatureAlgorithm(certificate, policy);
      const issuer = path[index + 1]!;
      if (policy.isRevoked && (await policy.isRevoked(certificate, issuer))) {
        throw new DirectSecurityError("revoked", `certificate ${certificate.subject.replace(/\n/g, ", ")} is revoked`);
      }
    }
    if (index > 0 && !isAnchor && !certificate.ca) {
      throw new DirectSecurityError("untrusted-anchor", "an intermediate certificate in the path is not a CA");
    }
  }
  checkKeyUsage(input.leaf, input.purpose);
  return path;
}

const PATHS_KEPT = 512;
const PATH_LIFETIME_MS = 5 * 60_000;

/**
 * Paths already built, keyed by the exact certificates given (SHA-256 of the DER of the leaf, of each candidate
 * intermediate and of each anchor, in order), as the fingerprints of the path's certificates. Building a path checks
 * only names and signatures, which depend on those bytes alone; everything that depends on time, policy or
 * revocation is checked on every call, cached path or not. Only successful builds are kept, at most 512, for five
 * minutes each.
 */
const builtPaths = new Map<string, { fingerprints: string[]; expires: number }>();

function cachedPath(leaf: X509Certificate, intermediates: X509Certificate[], anchors: X509Certificate[]) {
  const key =
    [leaf, ...intermediates].map((c) => c.fingerprint256).join(",") +
    "|" +
    anchors.map((c) => c.fingerprint256).join(",");
  const now = Date.now();
  const cached = builtPaths.get(key);
  if (cached) {
    builtPaths.delete(key);
    if (cached.expires > now) {
      const given = [leaf, ...intermediates, ...anchors];
      const path = cached.fingerprints.map((fingerprint) => given.find((c) => c.fingerprint256 === fingerprint));
      if (path.every((c) => c !== undefined)) {
        builtPaths.set(key, cached);
        return path as X509Certificate[];
      }
    }
  }
  const path = buildPath(leaf, intermediates, anchors);
  builtPaths.set(key, { fingerprints: path.map((c) => c.fingerprint256), expires: now + PATH_LIFETIME_MS });
  if (builtPaths.size > PATHS_KEPT) builtPaths.delete(builtPaths.keys().next().value!);
  return path;
}

function buildPath(leaf: X509Certificate, intermediates: X509Certificate[], anchors: X509Certificate[]) {
  const path: X509Certificate[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_PATH; depth++) {
    if (anchors.some((anchor) => anchor.raw.equals(current.raw))) return path;
    const anchor = anchors.find((candidate) => issuedBy(current, candidate));
    if (anchor) {
      path.push(anchor);
      return path;
    }
    const next = intermediates.find(
      (candidate) => !path.some((inPath) => inPath.raw.equals(candidate.raw)) && issuedBy(current, candidate),
    );
    if (!next) break;
    path.push(next);
    current = next;
  }
  throw new DirectSecurityError(
    "untrusted-anchor",
    `certificate ${leaf.subject.replace(/\n/g, ", ")} (issuer ${leaf.issuer.replace(/\n/g, ", ")}) does not chain to a trust anchor configured for this address`,
  );
}

function issuedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function checkKeySize(certificate: X509Certificate, policy: ValidationPolicy): void {
  const minimum = policy.minimumRsaBits ?? 2048;
  const bits = rsaModulusBits(certificate);
  if (bits === undefined) {
    throw new DirectSecurityError("weak-algorithm", `certificate key type ${certificate.publicKey.asymmetricKeyType}`);
  }
  if (bits < minimum) {
    throw new DirectSecurityError("weak-algorithm", `RSA key of ${bits} bits; at least ${minimum} required`);
  }
}

function checkSignatureAlgorithm(certificate: X509Certificate, policy: ValidationPolicy): void {
  const algorithm = certificateFacts(certificate).signatureAlgorithm;
  if (STRONG_RSA_SIGNATURES[algorithm] || algorithm === OID.rsassaPss) return;
  if (algorithm === OID.sha1WithRSAEncryption && policy.allowSha1CertificateSignatures) return;
  const name = WEAK_RSA_SIGNATURES[algorithm] ?? algorithm;
  throw new DirectSecurityError(
    "weak-algorithm",
    `certificate ${certificate.subject.replace(/\n/g, ", ")} is signed with ${name}`,
  );
}

function checkKeyUsage(certificate: X509Certificate, purpose: CertificatePurpose): void {
  const usage = certificateFacts(certificate).keyUsage;
  if (!usage) return; // RFC 5280 §4.2.1.3: no extension means no restriction
  const ok =
    purpose === "signing" ? usage.has("digitalSignature") || usage.has("nonRepudiation") : usage.has("keyEncipherment");
  if (!ok) {
    throw new DirectSecurityError(
      "key-usage",
      `certificate key usage [${[...usage].join(", ")}] does not allow ${purpose === "signing" ? "digitalSignature" : "keyEncipherment"}`,
    );
  }
}

/**
 * AS v1.3 §4.1: an address-bound certificate carries the address as rfc822Name in subjectAltName; a domain-bound
 * certificate carries the domain as dNSName. Comparison is case-insensitive (the local part too, as HISPs do).
 */
export function certificateBindsAddress(certificate: X509Certificate, address: string): boolean {
  const facts = certificateFacts(certificate);
  const lower = address.toLowerCase();
  const { domain } = splitAddress(lower);
  return facts.emails.includes(lower) || facts.dnsNames.includes(domain);
}

export function checkSenderBinding(certificate: X509Certificate, sender: string): void {
  if (!certificateBindsAddress(certificate, sender)) {
    const facts = certificateFacts(certificate);
    const names = [...facts.emails.map((e) => `rfc822Name ${e}`), ...facts.dnsNames.map((d) => `dNSName ${d}`)];
    throw new DirectSecurityError(
      "address-mismatch",
      `signer certificate is bound to ${names.join(", ") || "no subjectAltName"}, not to sender ${sender}`,
    );
  }
}
