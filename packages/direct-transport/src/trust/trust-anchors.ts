import type { X509Certificate } from "node:crypto";
import { loadCertificates, splitAddress } from "./certificates.js";

/**
 * Trust anchors per receiving Direct address or domain. AS v1.3 §4.2: a security agent decides trust against the
 * anchors configured for the local address it acts for, so a message for alice@a.example may be trusted while the
 * same message for bob@b.example is not. A domain scope covers every address of that domain; an address scope adds
 * to it; the scope `*` applies to every local address.
 */
export class TrustAnchors {
  private readonly byScope = new Map<string, X509Certificate[]>();

  /** Adds anchors (certificates, PEM, DER, or a PKCS#7 trust bundle) for an address, a domain or `*`. */
  add(scope: string, anchors: X509Certificate[] | Buffer | string): this {
    const certificates = Array.isArray(anchors) ? anchors : loadCertificates(anchors);
    const key = scope.toLowerCase();
    const list = this.byScope.get(key) ?? [];
    for (const certificate of certificates) {
      if (!list.some((existing) => existing.raw.equals(certificate.raw))) list.push(certificate);
    }
    this.byScope.set(key, list);
    return this;
  }

  /** The anchors that apply to a local address: its own, its domain's, and the global ones. */
  anchorsFor(address: string): X509Certificate[] {
    const { domain } = splitAddress(address);
    return [
      ...(this.byScope.get(address.toLowerCase()) ?? []),
      ...(this.byScope.get(domain) ?? []),
      ...(this.byScope.get("*") ?? []),
    ];
  }

  scopes(): string[] {
    return [...this.byScope.keys()];
  }
}
