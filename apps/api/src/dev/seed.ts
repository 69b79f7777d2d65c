import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DirectCredentials } from "@conduit/direct-transport";
import type { Config } from "../config.js";
import type { SecretBox } from "../crypto/secret-box.js";
import type { Database } from "../db/prisma.js";
import { generateSecret, hashSecret } from "../auth/secret-hash.js";
import { loadOrCreateDevPki } from "./dev-pki.js";

export interface DevCredentials {
  apiKey: string;
  secret: string;
  destinationId: string;
  /** The organization administrator's client credentials (configuration API, webhooks, dashboard). */
  adminClientId: string;
  adminClientSecret: string;
  /** The Direct domain the development organization receives for on the inbound SMTP listener. */
  directDomain: string;
}

export const devCredentialsFile = (config: Config) => path.join(config.VAR_DIR, "dev-credentials.json");

function certificateRow(
  orgId: string,
  credentials: DirectCredentials,
  use: "own" | "anchor",
  scope: string,
  secrets: SecretBox,
) {
  const certificate = credentials.certificate;
  return {
    orgId,
    use,
    scope,
    subject: certificate.subject,
    subjectAltNames: (certificate.subjectAltName ?? "").split(", ").filter(Boolean),
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    fingerprint: certificate.fingerprint256,
    certificatePem: certificate.toString(),
    privateKeyEncrypted:
      use === "own" ? secrets.seal(credentials.privateKey.export({ format: "pem", type: "pkcs8" }).toString()) : null,
  };
}

/**
 * On an empty database: a development organization with an administrator, a source subscribed to both data models,
 * a destination on the file adapter, and the development Direct domain (its certificate and key from the development
 * PKI, its CA as trust anchor) so the inbound listener accepts mail for it. Secrets exist only in the returned
 * credentials (and the file written here, mode 600).
 */
export async function seedDevelopmentData(
  db: Database,
  config: Config,
  secrets: SecretBox,
): Promise<DevCredentials | undefined> {
  if ((await db.organization.count()) > 0) return undefined;
  const pki = await loadOrCreateDevPki(config.VAR_DIR, config.DEV_DIRECT_DOMAIN);
  const secret = generateSecret();
  const apiKey = randomUUID();
  const adminClientId = randomUUID();
  const adminClientSecret = generateSecret();
  const [secretHash, adminSecretHash] = await Promise.all([hashSecret(secret), hashSecret(adminClientSecret)]);
  const domain = config.DEV_DIRECT_DOMAIN.toLowerCase();
  const destinationId = await db.$transaction(async (tx) => {
    const org = await tx.organization.create({ data: { name: "Development Organization" } });
    const source = await tx.source.create({ data: { orgId: org.id, name: "Development App", apiKey, secretHash } });
    await tx.adminCredential.create({
      data: { orgId: org.id, name: "Development administrator", clientId: adminClientId, secretHash: adminSecretHash },
    });
    const destination = await tx.destination.create({
      data: {
        orgId: org.id,
        name: "Local outbox (file adapter)",
        adapter: "file",
        settings: { directory: config.OUTBOX_DIR },
        directAddressFrom: config.DEV_DIRECT_ADDRESS,
      },
    });
    await tx.subscription.createMany({
      data: ["Clinical Summary", "Media"].map((dataModel) => ({
        sourceId: source.id,
        destinationId: destination.id,
        dataModel,
      })),
    });
    await tx.directAddress.create({
      data: { orgId: org.id, address: `@${domain}`, kind: "organization", displayName: "Development domain" },
    });
    await tx.certificate.createMany({
      data: [
        certificateRow(org.id, pki.domain, "own", domain, secrets),
        certificateRow(org.id, pki.ca, "anchor", domain, secrets),
      ],
    });
    return destination.id;
  });
  const credentials = { apiKey, secret, destinationId, adminClientId, adminClientSecret, directDomain: domain };
  await mkdir(config.VAR_DIR, { recursive: true });
  await writeFile(devCredentialsFile(config), JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  return credentials;
}
