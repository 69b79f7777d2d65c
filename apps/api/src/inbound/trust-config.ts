import type { X509Certificate } from "node:crypto";
import { credentialsFromPem, loadCertificates, TrustAnchors, type DirectCredentials } from "@conduit/direct-transport";
import type { SecretBox } from "../crypto/secret-box.js";
import type { Database } from "../db/prisma.js";

export interface OrganizationTrust {
  /** Conduit's own certificates and keys: decrypt what is sent to the organization, sign what it sends. */
  credentials: { scope: string; credentials: DirectCredentials }[];
  anchors: TrustAnchors;
}

interface ParsedRow {
  certificatePem: string;
  privateKeyEncrypted: string | null;
  anchors?: X509Certificate[];
  credentials?: DirectCredentials;
}

/**
 * Certificate rows already parsed (and private keys already opened), per secret box and row id: parsing PEM, opening
 * and checking the key was most of loading an organization's trust, for every message. An entry is used only while
 * the row's PEM and sealed key are what they were; the rows themselves are read each time, so a certificate disabled
 * or added counts at once.
 */
const parsedBySecrets = new WeakMap<SecretBox, Map<string, ParsedRow>>();
const maxParsedRows = 1_000;

function parsedRow(
  secrets: SecretBox,
  row: { id: string; use: string; certificatePem: string; privateKeyEncrypted: string | null },
): ParsedRow {
  let cache = parsedBySecrets.get(secrets);
  if (!cache) parsedBySecrets.set(secrets, (cache = new Map()));
  const cached = cache.get(row.id);
  if (cached && cached.certificatePem === row.certificatePem && cached.privateKeyEncrypted === row.privateKeyEncrypted)
    return cached;
  const parsed: ParsedRow = { certificatePem: row.certificatePem, privateKeyEncrypted: row.privateKeyEncrypted };
  if (row.use === "anchor") parsed.anchors = loadCertificates(row.certificatePem);
  else if (row.privateKeyEncrypted)
    parsed.credentials = credentialsFromPem({
      certificate: row.certificatePem,
      privateKey: secrets.open(row.privateKeyEncrypted),
    });
  cache.delete(row.id);
  if (cache.size >= maxParsedRows) cache.delete(cache.keys().next().value!);
  cache.set(row.id, parsed);
  return parsed;
}

/** A certificate row as trust is built from it. */
export interface TrustRow {
  id: string;
  use: string;
  scope: string;
  certificatePem: string;
  privateKeyEncrypted: string | null;
}

/** The trust made of the organization's `own` and `anchor` rows (enabled ones), each parsed once: see `parsedRow`. */
export function organizationTrustFromRows(secrets: SecretBox, rows: TrustRow[]): OrganizationTrust {
  const anchors = new TrustAnchors();
  const credentials: OrganizationTrust["credentials"] = [];
  for (const row of rows) {
    const parsed = parsedRow(secrets, row);
    if (parsed.anchors) anchors.add(row.scope, parsed.anchors);
    else if (parsed.credentials) credentials.push({ scope: row.scope, credentials: parsed.credentials });
  }
  return { credentials, anchors };
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
  const rows = await db.certificate.findMany({
    where: { orgId, disabledAt: null, use: { in: ["own", "anchor"] } },
    select: { id: true, use: true, scope: true, certificatePem: true, privateKeyEncrypted: true },
  });
  return organizationTrustFromRows(secrets, rows);
}
