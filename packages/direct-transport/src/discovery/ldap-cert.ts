import { Resolver } from "node:dns/promises";
import { X509Certificate } from "node:crypto";
import { Client } from "ldapts";
import { splitAddress } from "../trust/certificates.js";
import { certificateBindsAddress } from "../trust/validate-certificate.js";
import type { CertificateSource } from "./cert-discovery.js";

export interface LdapCertSourceOptions {
  /** DNS server for the `_ldap._tcp` SRV lookup; the system resolver by default. */
  dnsServer?: { host: string; port: number };
  /** Replace the SRV lookup altogether (e.g. a fixed directory per domain). */
  resolveSrv?: (name: string) => Promise<{ name: string; port: number; priority: number; weight: number }[]>;
  /** Search base; by default the naming contexts the server's root DSE lists. */
  baseDn?: string;
  timeoutMs?: number;
}

const CERT_ATTRIBUTES = ["userCertificate;binary", "userCertificate"];

/**
 * Recipient certificates from LDAP, the third level of Direct certificate discovery (AS v1.3 §4.3; Certificate
 * Discovery for Direct Project §3): find the domain's directory with a `_ldap._tcp.<domain>` SRV lookup, search
 * each naming context for `(mail=<address>)` (then `(mail=<domain>)` for a domain-bound certificate), and read
 * `userCertificate;binary`.
 */
export class LdapCertSource implements CertificateSource {
  readonly name = "ldap";

  constructor(private readonly options: LdapCertSourceOptions = {}) {}

  async find(address: string): Promise<X509Certificate[]> {
    const { domain } = splitAddress(address);
    const servers = await this.srv(`_ldap._tcp.${domain}`);
    let lastError: unknown;
    for (const server of servers) {
      try {
        return await this.search(server.name, server.port, address, domain);
      } catch (error) {
        lastError = error;
      }
    }
    if (lastError) throw lastError instanceof Error ? lastError : new Error(String(lastError));
    return [];
  }

  private async srv(name: string) {
    let records: { name: string; port: number; priority: number; weight: number }[];
    try {
      if (this.options.resolveSrv) records = await this.options.resolveSrv(name);
      else {
        const resolver = new Resolver({ timeout: this.options.timeoutMs ?? 3000, tries: 2 });
        if (this.options.dnsServer)
          resolver.setServers([`${this.options.dnsServer.host}:${this.options.dnsServer.port}`]);
        records = await resolver.resolveSrv(name);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTFOUND" || code === "ENODATA") return []; // no directory published: not an error
      throw error;
    }
    // RFC 2782: lowest priority first; weight ordering within a priority is a load-balancing nicety, kept simple.
    return records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  }

  private async search(host: string, port: number, address: string, domain: string): Promise<X509Certificate[]> {
    const timeout = this.options.timeoutMs ?? 5000;
    const client = new Client({ url: `ldap://${host}:${port}`, timeout, connectTimeout: timeout });
    try {
      const bases = this.options.baseDn ? [this.options.baseDn] : await namingContexts(client);
      for (const mail of [address, domain]) {
        const found: X509Certificate[] = [];
        for (const base of bases) {
          const { searchEntries } = await client.search(base, {
            scope: "sub",
            filter: `(mail=${escapeFilterValue(mail)})`,
            attributes: CERT_ATTRIBUTES,
            explicitBufferAttributes: CERT_ATTRIBUTES,
          });
          for (const entry of searchEntries) {
            for (const attribute of CERT_ATTRIBUTES) {
              const values = entry[attribute];
              for (const value of Array.isArray(values) ? values : values ? [values] : []) {
                try {
                  found.push(
                    new X509Certificate(Buffer.isBuffer(value) ? value : Buffer.from(String(value), "base64")),
                  );
                } catch {
                  // An unreadable value is skipped.
                }
              }
            }
          }
        }
        const bound = found.filter((c) => certificateBindsAddress(c, address));
        if (bound.length) return bound;
      }
      return [];
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

async function namingContexts(client: Client): Promise<string[]> {
  const { searchEntries } = await client.search("", {
    scope: "base",
    filter: "(objectClass=*)",
    attributes: ["namingContexts"],
  });
  const values = searchEntries[0]?.["namingContexts"];
  const list = (Array.isArray(values) ? values : values ? [values] : []).map(String);
  return list.length ? list : [""];
}

/** RFC 4515 §3: escape the characters that have a meaning in a filter. */
function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
