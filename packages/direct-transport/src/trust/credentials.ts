import type { KeyObject, X509Certificate } from "node:crypto";
import { DirectSecurityError } from "../errors.js";
import { loadCertificates, loadPrivateKey, splitAddress } from "./certificates.js";

/** A certificate with its private key: what Conduit signs with and decrypts with for an address or domain. */
export interface DirectCredentials {
  certificate: X509Certificate;
  privateKey: KeyObject;
  /** Intermediates to send along with signatures (the anchor itself is optional). */
  chain: X509Certificate[];
}

/** Builds credentials from PEM or DER inputs (certificate file may hold the chain after the leaf). */
export function credentialsFromPem(input: {
  certificate: Buffer | string;
  privateKey: Buffer | string;
  passphrase?: string;
  chain?: Buffer | string;
}): DirectCredentials {
  const certificates = loadCertificates(input.certificate);
  const [certificate, ...rest] = certificates;
  if (!certificate) throw new DirectSecurityError("no-credentials", "no certificate in the credentials input");
  const privateKey = loadPrivateKey(input.privateKey, input.passphrase);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new DirectSecurityError("no-credentials", "private key does not match the certificate");
  }
  return { certificate, privateKey, chain: [...rest, ...(input.chain ? loadCertificates(input.chain) : [])] };
}

/**
 * Conduit's own credentials per Direct address or domain. AS v1.3 §4.1 allows address-bound and domain-bound
 * certificates; an address's own credentials are preferred over its domain's.
 */
export class CredentialStore {
  private readonly byScope = new Map<string, DirectCredentials[]>();

  add(scope: string, credentials: DirectCredentials): this {
    const key = scope.toLowerCase();
    this.byScope.set(key, [...(this.byScope.get(key) ?? []), credentials]);
    return this;
  }

  /** Every credential that may decrypt for this address (its own, then its domain's). */
  forAddress(address: string): DirectCredentials[] {
    const { domain } = splitAddress(address);
    return [...(this.byScope.get(address.toLowerCase()) ?? []), ...(this.byScope.get(domain) ?? [])];
  }

  /** The credential to sign with for a sender address; throws `no-credentials` when there is none. */
  signerFor(address: string, at: Date = new Date()): DirectCredentials {
    const usable = this.forAddress(address).find(
      (c) => at >= new Date(c.certificate.validFrom) && at <= new Date(c.certificate.validTo),
    );
    if (!usable) throw new DirectSecurityError("no-credentials", `no valid signing certificate for ${address}`);
    return usable;
  }

  /** Every credential held, for decryption by recipient info match. */
  all(): DirectCredentials[] {
    return [...this.byScope.values()].flat();
  }

  /** Whether the address or its domain is one of ours. */
  isLocal(address: string): boolean {
    return this.forAddress(address).length > 0;
  }
}
