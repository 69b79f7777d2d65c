import { createSocket } from "node:dgram";
import { getServers } from "node:dns";
import { connect } from "node:net";
import { randomInt, X509Certificate } from "node:crypto";
import * as dnsPacket from "dns-packet";
import { splitAddress } from "../trust/certificates.js";
import { certificateBindsAddress } from "../trust/validate-certificate.js";
import type { CertificateSource } from "./cert-discovery.js";
import { fetchBytes } from "../trust/fetch-bytes.js";

/** RFC 4398 §2.1 certificate types Direct uses. */
export const CERT_TYPE = { PKIX: 1, IPKIX: 4 } as const;

export interface DnsCertSourceOptions {
  /** The DNS server to ask; the first system resolver on port 53 by default. */
  server?: { host: string; port: number };
  /** Per-attempt timeout; default 3000 ms. */
  timeoutMs?: number;
  /** How long an empty answer (NXDOMAIN / no CERT records) is cached; default 300 s. */
  negativeTtlSeconds?: number;
  /** Fetches the certificate of a URL-form (IPKIX) record; global fetch by default. */
  fetchCertificate?: (url: string) => Promise<Buffer>;
  now?: () => number;
}

interface CacheEntry {
  expires: number;
  certificates: X509Certificate[];
}

/**
 * Recipient certificates from DNS CERT records (RFC 4398, type 37), as AS v1.3 §4.3 and the Direct Project's
 * "DNS-based certificate discovery" describe: for `bob@b.example`, the address-bound name `bob.b.example` is asked
 * first, then the domain `b.example`. PKIX records carry the DER certificate; IPKIX records carry a URL to it.
 *
 * Queries go over UDP and are repeated over TCP when the answer comes back truncated (RFC 1035 §4.2.1, RFC 7766):
 * certificates seldom fit in 512 bytes. Answers are cached for their TTL.
 */
export class DnsCertSource implements CertificateSource {
  readonly name = "dns";
  private readonly cache = new Map<string, CacheEntry>();
  /** Queries actually sent (for diagnostics and tests): one entry per transport used. */
  readonly queryLog: { name: string; transport: "udp" | "tcp" }[] = [];

  constructor(private readonly options: DnsCertSourceOptions = {}) {}

  async find(address: string): Promise<X509Certificate[]> {
    const { local, domain } = splitAddress(address);
    if (local) {
      const addressBound = (await this.lookup(`${local}.${domain}`)).filter((c) => certificateBindsAddress(c, address));
      if (addressBound.length > 0) return addressBound;
    }
    return this.lookup(domain);
  }

  /** CERT records at a name, as certificates; cached for the records' TTL. */
  async lookup(name: string): Promise<X509Certificate[]> {
    const key = name.toLowerCase();
    const now = this.now();
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) return cached.certificates;
    const response = await this.query(key);
    const rcode = (response as { rcode?: string }).rcode ?? "NOERROR";
    if (rcode !== "NOERROR" && rcode !== "NXDOMAIN") throw new Error(`DNS ${rcode} for CERT ${key}`);
    const certificates: X509Certificate[] = [];
    let ttl = Infinity;
    for (const answer of response.answers ?? []) {
      if (answer.type !== "CERT" || !Buffer.isBuffer(answer.data)) continue;
      ttl = Math.min(ttl, answer.ttl ?? 0);
      const certificate = await this.certificateFromRdata(answer.data);
      if (certificate) certificates.push(certificate);
    }
    const seconds = certificates.length ? ttl : (this.options.negativeTtlSeconds ?? 300);
    this.cache.set(key, { expires: now + seconds * 1000, certificates });
    return certificates;
  }

  /** RFC 4398 §2: type (16 bits), key tag (16), algorithm (8), certificate or CRL. */
  private async certificateFromRdata(rdata: Buffer): Promise<X509Certificate | undefined> {
    if (rdata.length < 5) return undefined;
    const type = rdata.readUInt16BE(0);
    const body = rdata.subarray(5);
    try {
      if (type === CERT_TYPE.PKIX) return new X509Certificate(body);
      if (type === CERT_TYPE.IPKIX) {
        const url = body.toString("utf8");
        const fetchCertificate = this.options.fetchCertificate ?? defaultFetch;
        return new X509Certificate(await fetchCertificate(url));
      }
    } catch {
      // An unreadable record is skipped; the others may still serve.
    }
    return undefined;
  }

  private server(): { host: string; port: number } {
    if (this.options.server) return this.options.server;
    const first = getServers()[0] ?? "127.0.0.1";
    const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(first);
    return { host: match?.[1] ?? first, port: match?.[2] ? Number(match[2]) : 53 };
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private async query(name: string): Promise<dnsPacket.DecodedPacket> {
    const id = randomInt(0, 0xffff);
    const packet: dnsPacket.Packet = {
      type: "query",
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: "CERT", name, class: "IN" }],
    };
    this.queryLog.push({ name, transport: "udp" });
    const udp = await this.queryUdp(dnsPacket.encode(packet), id);
    if (!udp.flag_tc) return udp;
    this.queryLog.push({ name, transport: "tcp" });
    return this.queryTcp(dnsPacket.streamEncode(packet), id);
  }

  private queryUdp(message: Buffer, id: number): Promise<dnsPacket.DecodedPacket> {
    const { host, port } = this.server();
    const timeoutMs = this.options.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
      const timer = setTimeout(() => finish(new Error(`DNS query to ${host}:${port} timed out (ETIMEOUT)`)), timeoutMs);
      const finish = (error?: Error, response?: dnsPacket.DecodedPacket) => {
        clearTimeout(timer);
        socket.close();
        if (error) reject(error);
        else resolve(response!);
      };
      socket.on("error", (error) => finish(error));
      socket.on("message", (data) => {
        try {
          const response = dnsPacket.decode(data);
          if (response.id === id) finish(undefined, response);
        } catch {
          // Not a DNS answer to us; keep waiting.
        }
      });
      socket.send(message, port, host, (error) => error && finish(error));
    });
  }

  private queryTcp(message: Buffer, id: number): Promise<dnsPacket.DecodedPacket> {
    const { host, port } = this.server();
    const timeoutMs = this.options.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      let received = Buffer.alloc(0);
      socket.setTimeout(timeoutMs, () => {
        socket.destroy();
        reject(new Error(`DNS TCP query to ${host}:${port} timed out (ETIMEOUT)`));
      });
      socket.on("error", reject);
      socket.on("connect", () => socket.write(message));
      socket.on("data", (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
        socket.end();
        try {
          const response = dnsPacket.streamDecode(received) as dnsPacket.DecodedPacket;
          if (response.id !== id) reject(new Error("DNS TCP answer with a different id"));
          else resolve(response);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  }
}

function defaultFetch(url: string): Promise<Buffer> {
  return fetchBytes(url, { maxBytes: 1024 * 1024 });
}

/** Builds the RDATA of a CERT record (for tests and tooling that publish records). */
export function certRdata(type: number, body: Buffer, keyTag = 0, algorithm = 0): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(keyTag, 2);
  header.writeUInt8(algorithm, 4);
  return Buffer.concat([header, body]);
}
