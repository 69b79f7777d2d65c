import { resolveMx as dnsResolveMx } from "node:dns/promises";
import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import type { CertificateDiscovery } from "../discovery/cert-discovery.js";
import { DirectSecurityError } from "../errors.js";
import type { KeyTransport } from "../smime/rsa-key-transport.js";
import { sealMessage, type ContentEncryption, type SealRecipient } from "../smime/seal.js";
import { splitAddress } from "../trust/certificates.js";
import type { CredentialStore } from "../trust/credentials.js";
import { SmtpConnectionPool } from "./smtp-delivery.js";
import type { HispTransport, OutboundDirectMessage, SendResult } from "./transport.js";

export interface SmtpTransportOptions {
  /** Conduit's signing credentials, per sender address or domain. */
  credentials: CredentialStore;
  /** Finds each recipient's encryption certificate (configured, DNS CERT, LDAP). */
  discovery: Pick<CertificateDiscovery, "discover">;
  /** Key transport per recipient address: RSA-OAEP SHA-256 unless a destination needs PKCS#1 v1.5. */
  keyTransport?: KeyTransport | ((recipient: string) => KeyTransport);
  contentEncryption?: ContentEncryption;
  /** Send everything through this relay instead of each recipient domain's MX. */
  relay?: { host: string; port: number };
  /** Port used for MX delivery (25 unless a test says otherwise). */
  mxPort?: number;
  /** MX lookup, node:dns by default. */
  resolveMx?: (domain: string) => Promise<{ exchange: string; priority: number }[]>;
  /** EHLO name. */
  heloName?: string;
  /** STARTTLS is required by default. */
  requireTls?: boolean;
  tls?: ConnectionOptions;
  connectionTimeoutMs?: number;
}

/**
 * The `smtp` adapter: Conduit is the security agent. It seals the original (sign, then encrypt for every recipient's
 * certificate) and delivers the sealed message over SMTP, to a configured relay or to each recipient domain's MX.
 */
export class SmtpTransport implements HispTransport {
  readonly kind = "smtp";

  private readonly connections = new SmtpConnectionPool();

  constructor(private readonly options: SmtpTransportOptions) {}

  async close(): Promise<void> {
    await this.connections.close();
  }

  async send(message: OutboundDirectMessage): Promise<SendResult> {
    let sealed: Buffer;
    try {
      sealed = await this.seal(message);
    } catch (error) {
      if (error instanceof DirectSecurityError) {
        // No certificate, an expired one, no signing credentials: retrying will not help until configuration does.
        // (A DNS or LDAP outage during discovery is a plain Error, handled below as transient.)
        return { outcome: "permanent-failure", reason: error.message };
      }
      return { outcome: "transient-failure", reason: `sealing failed: ${(error as Error).message}` };
    }
    const groups = this.options.relay
      ? [{ hosts: [this.options.relay], to: message.to }]
      : await this.mxGroups(message.to);
    const results: SendResult[] = [];
    for (const group of groups) {
      if ("failure" in group) {
        results.push(group.failure);
        continue;
      }
      results.push(await this.deliverToGroup(group.hosts, message.from, group.to, sealed));
    }
    return combine(results);
  }

  /** Signs with the sender's credentials and encrypts for every recipient certificate found. */
  async seal(message: OutboundDirectMessage): Promise<Buffer> {
    const signer = this.options.credentials.signerFor(message.from);
    const recipients: SealRecipient[] = [];
    for (const address of message.to) {
      const found = await this.options.discovery.discover(address, message.from);
      const keyTransport =
        typeof this.options.keyTransport === "function"
          ? this.options.keyTransport(address)
          : this.options.keyTransport;
      for (const certificate of found.certificates) {
        if (!recipients.some((r) => r.certificate.raw.equals(certificate.raw)))
          recipients.push({ certificate, keyTransport });
      }
    }
    return sealMessage(message.raw, { signer, recipients, contentEncryption: this.options.contentEncryption });
  }

  private async deliverToGroup(
    hosts: { host: string; port: number }[],
    from: string,
    to: string[],
    sealed: Buffer,
  ): Promise<SendResult> {
    let last: SendResult = { outcome: "transient-failure", reason: "no mail exchanger" };
    // RFC 5321 §5.1: try the exchangers in preference order until one gives a definite answer.
    for (const hop of hosts) {
      last = await this.connections.deliver(
        {
          ...hop,
          name: this.options.heloName,
          requireTls: this.options.requireTls,
          tls: { ...(isIP(hop.host) ? {} : { servername: hop.host }), ...this.options.tls },
          connectionTimeoutMs: this.options.connectionTimeoutMs,
        },
        { from, to },
        sealed,
      );
      if (last.outcome !== "transient-failure" || last.remoteReply) return last;
    }
    return last;
  }

  private async mxGroups(recipients: string[]) {
    const byDomain = new Map<string, string[]>();
    for (const address of recipients) {
      const { domain } = splitAddress(address);
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), address]);
    }
    const resolve = this.options.resolveMx ?? dnsResolveMx;
    const port = this.options.mxPort ?? 25;
    const groups: ({ hosts: { host: string; port: number }[]; to: string[] } | { failure: SendResult })[] = [];
    for (const [domain, to] of byDomain) {
      try {
        const records = (await resolve(domain)).sort((a, b) => a.priority - b.priority);
        // RFC 5321 §5.1: no MX records means the domain itself is the mail exchanger.
        const hosts = records.length ? records.map((r) => ({ host: r.exchange, port })) : [{ host: domain, port }];
        groups.push({ hosts, to });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENODATA") {
          // RFC 5321 §5.1: the domain exists but publishes no MX: its address record is the implicit MX.
          groups.push({ hosts: [{ host: domain, port }], to });
        } else if (code === "ENOTFOUND") {
          // NXDOMAIN: the recipient domain does not exist; no retry will change that.
          const reason = `recipient domain ${domain} does not exist (MX lookup: NXDOMAIN)`;
          groups.push({ failure: { outcome: "permanent-failure", reason } });
        } else {
          groups.push({ failure: { outcome: "transient-failure", reason: `MX lookup for ${domain} failed: ${code}` } });
        }
      }
    }
    return groups;
  }
}

/** The worst outcome wins: one permanent failure makes the send permanent; else one transient makes it transient. */
export function combine(results: SendResult[]): SendResult {
  if (results.length === 1) return results[0]!;
  const permanent = results.find((r) => r.outcome === "permanent-failure");
  if (permanent) return permanent;
  const transient = results.find((r) => r.outcome === "transient-failure");
  if (transient) return transient;
  return {
    outcome: "accepted",
    detail: results.map((r) => (r.outcome === "accepted" ? r.detail : "")).join("; "),
    remoteReply: results.map((r) => r.remoteReply ?? "").join("; "),
  };
}
