import { verify as cryptoVerify, type X509Certificate } from "node:crypto";
import * as pkijs from "pkijs";
import { STRONG_RSA_SIGNATURES, OID } from "../oids.js";
import { toPkijsCertificate } from "./certificates.js";

const CRL_DISTRIBUTION_POINTS = "2.5.29.31";

export interface CrlRevocationOptions {
  /** Fetches a CRL named in a certificate's CRL distribution points (HTTP); off when absent. */
  fetchCrl?: (url: string) => Promise<Buffer>;
  now?: () => Date;
}

/**
 * Revocation by CRL (RFC 5280 §5, §6.3), usable as `ValidationPolicy.isRevoked`. CRLs are added by hand (e.g. with a
 * trust bundle) or fetched from the certificate's CRL distribution points and kept until their nextUpdate. A CRL
 * counts only when its issuer name matches and its signature verifies with the issuer's key. When no CRL is
 * available the answer is "not revoked" (soft-fail, as Direct HISPs commonly run); call `requireCrl` to fail closed.
 */
export class CrlRevocation {
  private readonly crls: pkijs.CertificateRevocationList[] = [];
  private readonly fetched = new Map<string, { crl: pkijs.CertificateRevocationList; until: number }>();
  private failClosed = false;

  constructor(private readonly options: CrlRevocationOptions = {}) {}

  addCrl(input: Buffer | string): this {
    const buffer = typeof input === "string" ? Buffer.from(input, "utf8") : input;
    const text = buffer.toString("latin1");
    const ders = text.includes("-----BEGIN X509 CRL-----")
      ? [...text.matchAll(/-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g)].map((m) =>
          Buffer.from(m[1]!.replace(/[^A-Za-z0-9+/=]/g, ""), "base64"),
        )
      : [buffer];
    for (const der of ders) this.crls.push(pkijs.CertificateRevocationList.fromBER(der));
    return this;
  }

  /** Treat "no CRL available for this issuer" as revoked. */
  requireCrl(): this {
    this.failClosed = true;
    return this;
  }

  readonly isRevoked = async (certificate: X509Certificate, issuer: X509Certificate): Promise<boolean> => {
    const parsed = toPkijsCertificate(certificate);
    const crls = [...this.crls, ...(await this.fetchFor(parsed))].filter((crl) => issuedBy(crl, parsed, issuer));
    if (crls.length === 0) return this.failClosed;
    return crls.some((crl) =>
      (crl.revokedCertificates ?? []).some((entry) => entry.userCertificate.isEqual(parsed.serialNumber)),
    );
  };

  private async fetchFor(certificate: pkijs.Certificate): Promise<pkijs.CertificateRevocationList[]> {
    if (!this.options.fetchCrl) return [];
    const now = (this.options.now?.() ?? new Date()).getTime();
    const found: pkijs.CertificateRevocationList[] = [];
    for (const url of distributionPoints(certificate)) {
      const cached = this.fetched.get(url);
      if (cached && cached.until > now) {
        found.push(cached.crl);
        continue;
      }
      try {
        const crl = pkijs.CertificateRevocationList.fromBER(await this.options.fetchCrl(url));
        const until = crl.nextUpdate?.value.getTime() ?? now + 3600_000;
        this.fetched.set(url, { crl, until });
        found.push(crl);
      } catch {
        // An unreachable distribution point is "no CRL"; the fail-closed setting decides.
      }
    }
    return found;
  }
}

function distributionPoints(certificate: pkijs.Certificate): string[] {
  const urls: string[] = [];
  const extension = certificate.extensions?.find((e) => e.extnID === CRL_DISTRIBUTION_POINTS);
  const parsed = extension?.parsedValue as pkijs.CRLDistributionPoints | undefined;
  for (const point of parsed?.distributionPoints ?? []) {
    const names = Array.isArray(point.distributionPoint) ? point.distributionPoint : [];
    for (const name of names) if (name.type === 6) urls.push(String(name.value));
  }
  return urls;
}

function issuedBy(crl: pkijs.CertificateRevocationList, certificate: pkijs.Certificate, issuer: X509Certificate) {
  if (!crl.issuer.isEqual(certificate.issuer)) return false;
  const algorithm = crl.signatureAlgorithm.algorithmId;
  const hash = STRONG_RSA_SIGNATURES[algorithm] ?? (algorithm === OID.sha1WithRSAEncryption ? "sha1" : undefined);
  if (!hash) return false;
  try {
    return cryptoVerify(hash, crl.tbsView, issuer.publicKey, Buffer.from(crl.signatureValue.valueBlock.valueHexView));
  } catch {
    return false;
  }
}
