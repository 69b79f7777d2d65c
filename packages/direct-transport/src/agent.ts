import type { X509Certificate } from "node:crypto";
import type { ConnectionOptions } from "node:tls";
import { CertificateDiscovery, ConfiguredCertificates, type CertificateSource } from "./discovery/cert-discovery.js";
import { DnsCertSource, type DnsCertSourceOptions } from "./discovery/dns-cert.js";
import { LdapCertSource, type LdapCertSourceOptions } from "./discovery/ldap-cert.js";
import { FileTransport } from "./hisp/file-transport.js";
import { SmtpEdgeTransport } from "./hisp/smtp-edge-transport.js";
import { SmtpTransport } from "./hisp/smtp-transport.js";
import type { HispTransport } from "./hisp/transport.js";
import { openMessage, type OpenedMessage, type SmtpEnvelope } from "./smime/open.js";
import type { KeyTransport } from "./smime/rsa-key-transport.js";
import { sealMessage, type ContentEncryption } from "./smime/seal.js";
import { loadCertificates } from "./trust/certificates.js";
import { credentialsFromPem, CredentialStore } from "./trust/credentials.js";
import { credentialsFromPkcs12 } from "./trust/pkcs12.js";
import { CrlRevocation } from "./trust/revocation.js";
import { TrustAnchors } from "./trust/trust-anchors.js";
import type { ValidationPolicy } from "./trust/validate-certificate.js";
import { fetchBytes } from "./trust/fetch-bytes.js";

/** Conduit's own certificate and key for a Direct address or domain: PKCS#12, or PEM certificate + key. */
export type IdentitySettings = { scope: string } & (
  | { pkcs12: Buffer; password: string }
  | { certificate: Buffer | string; privateKey: Buffer | string; passphrase?: string; chain?: Buffer | string }
);

export interface DirectAgentSettings {
  /** Signing/decryption credentials per local address or domain. */
  identities: IdentitySettings[];
  /** Trust anchors per local address or domain (`*` for all): PEM, DER, or PKCS#7 bundles. */
  trustAnchors: { scope: string; certificates: Buffer | string }[];
  /** Recipient certificate discovery; each level can be turned off. */
  discovery?: {
    /** Recipient certificates configured by hand, per address or domain. */
    configured?: { scope: string; certificates: Buffer | string }[];
    /** DNS CERT lookup; on by default with the system resolver. `false` turns it off. */
    dns?: DnsCertSourceOptions | false;
    /** LDAP lookup; on by default. `false` turns it off. */
    ldap?: LdapCertSourceOptions | false;
  };
  /** Revocation by CRL for signers and recipients: CRLs given here, and/or fetched from distribution points. */
  revocation?: { crls?: (Buffer | string)[]; fetchFromDistributionPoints?: boolean; failClosed?: boolean };
  policy?: ValidationPolicy;
}

/**
 * The security agent with its configuration loaded: Conduit's credentials, trust anchors and certificate
 * discovery. The app builds one from its settings and hands it to the `smtp` adapter and to the inbound pipeline.
 */
export class DirectAgent {
  constructor(
    readonly credentials: CredentialStore,
    readonly trust: TrustAnchors,
    readonly discovery: CertificateDiscovery,
    readonly policy: ValidationPolicy = {},
  ) {}

  /** Opens an inbound message for the envelope's local recipients (see openMessage). */
  open(raw: Buffer, envelope: SmtpEnvelope): Promise<OpenedMessage> {
    const credentials = [...new Set(envelope.to.flatMap((to) => this.credentials.forAddress(to)))];
    return openMessage(raw, {
      credentials: credentials.length ? credentials : this.credentials.all(),
      trust: this.trust,
      envelope,
      policy: this.policy,
    });
  }

  /** Seals an original for its recipients, discovering their certificates. */
  async seal(
    original: Buffer,
    from: string,
    to: string[],
    options: { keyTransport?: KeyTransport; contentEncryption?: ContentEncryption } = {},
  ): Promise<Buffer> {
    const certificates: X509Certificate[] = [];
    for (const address of to) certificates.push(...(await this.discovery.discover(address, from)).certificates);
    return sealMessage(original, {
      signer: this.credentials.signerFor(from),
      recipients: certificates.map((certificate) => ({ certificate, keyTransport: options.keyTransport })),
      contentEncryption: options.contentEncryption,
    });
  }
}

export async function createDirectAgent(settings: DirectAgentSettings): Promise<DirectAgent> {
  const credentials = new CredentialStore();
  for (const identity of settings.identities) {
    const loaded =
      "pkcs12" in identity
        ? await credentialsFromPkcs12(identity.pkcs12, identity.password)
        : credentialsFromPem(identity);
    credentials.add(identity.scope, loaded);
  }
  const trust = new TrustAnchors();
  for (const anchors of settings.trustAnchors) trust.add(anchors.scope, anchors.certificates);
  const configured = new ConfiguredCertificates();
  for (const entry of settings.discovery?.configured ?? []) {
    configured.add(entry.scope, loadCertificates(entry.certificates));
  }
  const sources: CertificateSource[] = [configured];
  if (settings.discovery?.dns !== false) sources.push(new DnsCertSource(settings.discovery?.dns || {}));
  if (settings.discovery?.ldap !== false) sources.push(new LdapCertSource(settings.discovery?.ldap || {}));
  const policy: ValidationPolicy = { ...settings.policy };
  if (settings.revocation && !policy.isRevoked) {
    const revocation = new CrlRevocation(
      settings.revocation.fetchFromDistributionPoints ? { fetchCrl: fetchOverHttp } : {},
    );
    for (const crl of settings.revocation.crls ?? []) revocation.addCrl(crl);
    if (settings.revocation.failClosed) revocation.requireCrl();
    policy.isRevoked = revocation.isRevoked;
  }
  const discovery = new CertificateDiscovery(sources, { trust, policy });
  return new DirectAgent(credentials, trust, discovery, policy);
}

function fetchOverHttp(url: string): Promise<Buffer> {
  return fetchBytes(url);
}

/** How a destination is reached, as configured per destination. */
export type HispSettings =
  | { kind: "file"; directory: string }
  | {
      kind: "smtp";
      relay?: { host: string; port: number };
      mxPort?: number;
      keyTransport?: KeyTransport;
      contentEncryption?: ContentEncryption;
      requireTls?: boolean;
      tls?: ConnectionOptions;
      heloName?: string;
      connectionTimeoutMs?: number;
    }
  | {
      kind: "smtp-edge";
      host: string;
      port: number;
      user: string;
      pass: string;
      tls?: ConnectionOptions;
      heloName?: string;
      connectionTimeoutMs?: number;
    };

/** Builds the adapter for a destination. The `smtp` adapter needs the agent (it seals); the others do not. */
export function createHispTransport(settings: HispSettings, agent?: DirectAgent): HispTransport {
  switch (settings.kind) {
    case "file":
      return new FileTransport({ directory: settings.directory });
    case "smtp-edge":
      return new SmtpEdgeTransport(settings);
    case "smtp": {
      if (!agent) throw new Error("the smtp adapter seals messages and needs a DirectAgent");
      const { kind: _kind, ...options } = settings;
      return new SmtpTransport({ ...options, credentials: agent.credentials, discovery: agent.discovery });
    }
  }
}
