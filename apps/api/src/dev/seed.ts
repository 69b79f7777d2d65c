import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.js";
import type { Database } from "../db/prisma.js";
import { generateSecret, hashSecret } from "../auth/secret-hash.js";

export interface DevCredentials {
  apiKey: string;
  secret: string;
  destinationId: string;
}

export const devCredentialsFile = (config: Config) => path.join(config.VAR_DIR, "dev-credentials.json");

/**
 * On an empty database: a development organization, a source subscribed to both data models, and a destination on
 * the file adapter. The source's secret exists only in the returned credentials (and the file written here).
 */
export async function seedDevelopmentData(db: Database, config: Config): Promise<DevCredentials | undefined> {
  if ((await db.organization.count()) > 0) return undefined;
  const secret = generateSecret();
  const apiKey = randomUUID();
  const secretHash = await hashSecret(secret);
  const destinationId = await db.$transaction(async (tx) => {
    const org = await tx.organization.create({ data: { name: "Development Organization" } });
    const source = await tx.source.create({ data: { orgId: org.id, name: "Development App", apiKey, secretHash } });
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
    return destination.id;
  });
  const credentials = { apiKey, secret, destinationId };
  await mkdir(config.VAR_DIR, { recursive: true });
  await writeFile(devCredentialsFile(config), JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  return credentials;
}
