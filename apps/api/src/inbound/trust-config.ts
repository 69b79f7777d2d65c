import { credentialsFromPem, TrustAnchors, type DirectCredentials } from "@conduit/direct-transport";
import type { SecretBox } from "../crypto/secret-box.js";
import type { Database } from "../db/prisma.js";

export interface OrganizationTrust {
  /** Conduit's own certificates and keys: decrypt what is sent to the organization, sign what it sends. */
  credentials: { scope: string; credentials: DirectCredentials }[];
  anchors: TrustAnchors;
}

/**
 * The organization's own credentials (private keys opened from their sealed form) and its trust anchors, per address
 * or domain, as configured. Expired certificates stay in: opening decides, and says why.
 */
export async function loadOrganizationTrust(
  db: Database,
  secrets: SecretBox,
  orgId: string,
): Promise<OrganizationTrust> {
  const rows = await db.certificate.findMany({ where: { orgId, disabledAt: null, use: { in: ["own", "anchor"] } } });
  const anchors = new TrustAnchors();
  const credentials: OrganizationTrust["credentials"] = [];
  for (const row of rows) {
    if (row.use === "anchor") anchors.add(row.scope, row.certificatePem);
    else if (row.privateKeyEncrypted) {
      credentials.push({
        scope: row.scope,
        credentials: credentialsFromPem({
          certificate: row.certificatePem,
          privateKey: secrets.open(row.privateKeyEncrypted),
        }),
      });
    }
  }
  return { credentials, anchors };
}
