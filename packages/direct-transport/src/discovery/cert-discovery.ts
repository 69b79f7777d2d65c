import type { X509Certificate } from "node:crypto";
import { DirectSecurityError } from "../errors.js";
import { splitAddress } from "../trust/certificates.js";
import type { TrustAnchors } from "../trust/trust-anchors.js";
import {
  certificateBindsAddress,
  validateCertificatePath,
  type ValidationPolicy,
} from "../trust/validate-certificate.js";

/** One place recipient certificates can come from (configuration, DNS CERT, LDAP). */
export interface CertificateSource {
  readonly name: string;
  /** Certificates published for the address (address-bound first, then domain-bound). Empty when none. */
  find(address: string): Promise<X509Certificate[]>;
}

export interface DiscoveredCertificates {
  address: string;
  certificates: X509Certificate[];
  /** The source that answered: `configured`, `dns`, `ldap`. */
  source: string;
}

export interface CertificateDiscoveryOptions {
  /** When given, a discovered certificate must chain to an anchor configured for the local (sending) address. */
  trust?: TrustAnchors;
  policy?: ValidationPolicy;
}

/**
 * Recipient certificate discovery in the order the Direct Project's certificate discovery rules give (AS v1.3 §4.3,
 * Certificate Discovery for Direct Project §2): configured certificates, then DNS CERT, then LDAP. The first source
 * that publishes a certificate bound to the address answers. When every certificate it publishes is expired or
 * revoked, discovery stops there with that reason: a later source is not asked, since a stale record is a fact about
 * the recipient, not an absence of one.
 */
export class CertificateDiscovery {
  constructor(
    private readonly sources: CertificateSource[],
    private readonly options: CertificateDiscoveryOptions = {},
  ) {}

  /**
   * @param address the recipient
   * @param localAddress the local sender on whose behalf the certificate will be used: its trust anchors decide
   *   (AS v1.3 §4.2 applies the same anchors outbound and inbound). Defaults to the recipient's own scope.
   */
  async discover(address: string, localAddress?: string): Promise<DiscoveredCertificates> {
    const lower = address.toLowerCase();
    for (const source of this.sources) {
      const found = (await source.find(lower)).filter((certificate) => certificateBindsAddress(certificate, lower));
      if (found.length === 0) continue;
      const usable: X509Certificate[] = [];
      const problems: DirectSecurityError[] = [];
      for (const certificate of found) {
        try {
          await this.check(certificate, localAddress ?? lower);
          usable.push(certificate);
        } catch (error) {
          if (!(error instanceof DirectSecurityError)) throw error;
          problems.push(error);
        }
      }
      if (usable.length > 0) return { address: lower, certificates: usable, source: source.name };
      const first = problems[0]!;
      const code = first.code === "expired-signer" ? "expired-certificate" : first.code;
      throw new DirectSecurityError(code, `${source.name} certificate for ${lower} refused: ${first.message}`, {
        cause: first,
      });
    }
    throw new DirectSecurityError("no-certificate", `no certificate found for ${lower}`);
  }

  private async check(certificate: X509Certificate, trustScope: string): Promise<void> {
    const at = this.options.policy?.at ?? new Date();
    if (at < new Date(certificate.validFrom) || at > new Date(certificate.validTo)) {
      throw new DirectSecurityError(
        "expired-certificate",
        `certificate valid ${certificate.validFrom} to ${certificate.validTo}`,
      );
    }
    // Revocation needs the issuer, so it is checked during path validation (ValidationPolicy.isRevoked).
    if (this.options.trust) {
      await validateCertificatePath({
        leaf: certificate,
        intermediates: [],
        anchors: this.options.trust.anchorsFor(trustScope),
        purpose: "encryption",
        policy: this.options.policy,
      });
    }
  }
}

/** Certificates configured by hand per address or domain (the first level of discovery). */
export class ConfiguredCertificates implements CertificateSource {
  readonly name = "configured";
  private readonly byScope = new Map<string, X509Certificate[]>();

  add(scope: string, certificates: X509Certificate[]): this {
    const key = scope.toLowerCase();
    this.byScope.set(key, [...(this.byScope.get(key) ?? []), ...certificates]);
    return this;
  }

  async find(address: string): Promise<X509Certificate[]> {
    const { domain } = splitAddress(address);
    return [...(this.byScope.get(address.toLowerCase()) ?? []), ...(this.byScope.get(domain) ?? [])];
  }
}
