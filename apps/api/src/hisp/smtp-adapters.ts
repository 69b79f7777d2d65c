import {
  CertificateDiscovery,
  ConfiguredCertificates,
  CredentialStore,
  DnsCertSource,
  LdapCertSource,
  SmtpEdgeTransport,
  SmtpTransport,
  loadCertificates,
  type CertificateSource,
  type ContentEncryption,
  type KeyTransport,
} from "@conduit/direct-transport";
import { z } from "zod";
import type { Database } from "../db/prisma.js";
import { loadOrganizationTrust } from "../inbound/trust-config.js";
import type { SecretBox } from "../crypto/secret-box.js";
import { AdapterConfigError, type AdapterFactory, type TransportRegistry } from "./transport-registry.js";

const hostPort = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });
const keyTransport = z.enum(["rsa-oaep-sha256", "rsa-oaep-sha1", "rsa-pkcs1-v1_5"]);
const contentEncryption = z.enum(["aes-128-cbc", "aes-256-cbc"]);

const smtpSettings = z.object({
  /** Deliver everything through this relay instead of each recipient domain's MX. */
  relay: hostPort.optional(),
  mxPort: z.number().int().min(1).max(65535).optional(),
  requireTls: z.boolean().default(true),
  /** Accept a relay's self-signed TLS certificate (development only). */
  tlsRejectUnauthorized: z.boolean().default(true),
  keyTransport: keyTransport.default("rsa-oaep-sha256"),
  contentEncryption: contentEncryption.default("aes-256-cbc"),
  heloName: z.string().optional(),
  /** Certificate discovery: a DNS server for CERT lookups (`host:port`), and whether to try LDAP. */
  dnsServer: z.string().optional(),
  ldap: z.boolean().default(true),
});

const peerOptionsSchema = z.record(
  z.string(),
  z.object({ keyTransport: keyTransport.optional(), contentEncryption: contentEncryption.optional() }).loose(),
);

const smtpEdgeSettings = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  user: z.string().min(1),
  tlsRejectUnauthorized: z.boolean().default(true),
  heloName: z.string().optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, adapter: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AdapterConfigError(
      `${adapter} adapter settings: ${issue.path.join(".") || "(settings)"}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** Per-peer key transport: the recipient's own options, then its domain's, then the destination's default. */
function keyTransportFor(peers: z.infer<typeof peerOptionsSchema>, fallback: KeyTransport) {
  return (recipient: string): KeyTransport => {
    const lower = recipient.toLowerCase();
    const domain = lower.slice(lower.lastIndexOf("@") + 1);
    return (peers[lower]?.keyTransport ?? peers[domain]?.keyTransport ?? fallback) as KeyTransport;
  };
}

/**
 * The SMTP adapters, wired to the organization's certificates: `smtp` (Conduit seals with the organization's own
 * credentials and finds recipients' certificates: configured, then DNS CERT, then LDAP) and `smtp-edge` (the HISP
 * seals; Conduit submits with AUTH PLAIN over STARTTLS, its password from the destination's secrets).
 */
export function registerSmtpAdapters(registry: TransportRegistry, db: Database, secrets: SecretBox): TransportRegistry {
  const smtp: AdapterFactory = async (input) => {
    const settings = parse(smtpSettings, input.settings, "smtp");
    const peers = parse(peerOptionsSchema, input.peerOptions, "smtp");
    const trust = await loadOrganizationTrust(db, secrets, input.orgId);
    const credentials = new CredentialStore();
    for (const entry of trust.credentials) credentials.add(entry.scope, entry.credentials);
    const configured = new ConfiguredCertificates();
    const recipients = await db.certificate.findMany({
      where: { orgId: input.orgId, use: "recipient", disabledAt: null },
    });
    for (const row of recipients) configured.add(row.scope, loadCertificates(row.certificatePem));
    const sources: CertificateSource[] = [configured];
    if (settings.dnsServer) {
      const [host, port] = settings.dnsServer.split(":");
      sources.push(new DnsCertSource({ server: { host: host!, port: Number(port ?? 53) } }));
    } else sources.push(new DnsCertSource());
    if (settings.ldap) sources.push(new LdapCertSource());
    return new SmtpTransport({
      credentials,
      discovery: new CertificateDiscovery(sources, { trust: trust.anchors }),
      keyTransport: keyTransportFor(peers, settings.keyTransport),
      contentEncryption: settings.contentEncryption as ContentEncryption,
      relay: settings.relay,
      mxPort: settings.mxPort,
      requireTls: settings.requireTls,
      heloName: settings.heloName,
      tls: { rejectUnauthorized: settings.tlsRejectUnauthorized },
    });
  };
  const smtpEdge: AdapterFactory = (input) => {
    const settings = parse(smtpEdgeSettings, input.settings, "smtp-edge");
    const pass = input.secrets.password;
    if (!pass) throw new AdapterConfigError("smtp-edge adapter: the destination has no `password` secret");
    return new SmtpEdgeTransport({
      host: settings.host,
      port: settings.port,
      user: settings.user,
      pass,
      heloName: settings.heloName,
      tls: { rejectUnauthorized: settings.tlsRejectUnauthorized },
    });
  };
  return registry.register("smtp", smtp).register("smtp-edge", smtpEdge);
}
