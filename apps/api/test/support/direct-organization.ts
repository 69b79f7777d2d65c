import type { KeyObject, X509Certificate } from "node:crypto";
import type { SecretBox } from "../../src/crypto/secret-box.js";
import type { Database } from "../../src/db/prisma.js";
import { certificateRow } from "./certificates.js";
import { createTenant, type TestTenant } from "./tenant.js";

type Certified = { certificate: X509Certificate; privateKey?: KeyObject };

export interface DirectOrganizationOptions {
  /** The Direct domain the organization receives for (`@domain` is registered). */
  localDomain: string;
  /** The destination's DirectAddressFrom. */
  directAddressFrom: string;
  /** The peer's SMTP server the `smtp` adapter relays to (its TLS certificate is not checked). */
  relayPort: number;
  /** The organization's own certificate and key for its domain. */
  own: Certified;
  /** Trust anchors for the domain. */
  anchors: Certified[];
  /** Configured recipient certificates, by address or domain. */
  recipients: { scope: string; credentials: Certified }[];
}

/**
 * An organization set up for Direct as an administrator would: a source subscribed to an `smtp` destination relaying
 * to a test peer (no DNS or LDAP discovery), its Direct domain, its own certificate, anchors and recipients' certificates.
 */
export async function createDirectOrganization(
  db: Database,
  secrets: SecretBox,
  options: DirectOrganizationOptions,
): Promise<TestTenant> {
  const tenant = await createTenant(db, {
    adapter: "smtp",
    directAddressFrom: options.directAddressFrom,
    settings: {
      relay: { host: "127.0.0.1", port: options.relayPort },
      tlsRejectUnauthorized: false,
      ldap: false,
      dnsServer: "127.0.0.1:1",
    },
  });
  const { orgId } = tenant;
  await db.directAddress.create({ data: { orgId, address: `@${options.localDomain}`, kind: "organization" } });
  await db.certificate.createMany({
    data: [
      certificateRow(orgId, options.own, "own", options.localDomain, secrets),
      ...options.anchors.map((anchor) => certificateRow(orgId, anchor, "anchor", options.localDomain, secrets)),
      ...options.recipients.map(({ scope, credentials }) =>
        certificateRow(orgId, credentials, "recipient", scope, secrets),
      ),
    ],
  });
  return tenant;
}
