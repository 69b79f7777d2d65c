import { randomUUID } from "node:crypto";
import { generateSecret, hashSecret } from "../../src/auth/secret-hash.js";
import type { Database } from "../../src/db/prisma.js";

export interface TestTenant {
  orgId: string;
  sourceId: string;
  apiKey: string;
  secret: string;
  destinationId: string;
}

/** An organization with a source subscribed to one destination for the given data models. */
export async function createTenant(
  db: Database,
  options: { adapter?: string; settings?: object; directAddressFrom?: string; dataModels?: string[] } = {},
): Promise<TestTenant> {
  const secret = generateSecret();
  const apiKey = randomUUID();
  const org = await db.organization.create({ data: { name: `Test Org ${apiKey.slice(0, 8)}` } });
  const source = await db.source.create({
    data: { orgId: org.id, name: "Test App", apiKey, secretHash: await hashSecret(secret) },
  });
  const destination = await db.destination.create({
    data: {
      orgId: org.id,
      name: "Test destination",
      adapter: options.adapter ?? "file",
      settings: options.settings ?? {},
      directAddressFrom: options.directAddressFrom ?? "sender@direct.test.example",
    },
  });
  await db.subscription.createMany({
    data: (options.dataModels ?? ["Clinical Summary", "Media"]).map((dataModel) => ({
      sourceId: source.id,
      destinationId: destination.id,
      dataModel,
    })),
  });
  return { orgId: org.id, sourceId: source.id, apiKey, secret, destinationId: destination.id };
}

export async function addDestination(
  db: Database,
  tenant: TestTenant,
  options: { adapter?: string; settings?: object; dataModels?: string[] } = {},
) {
  const destination = await db.destination.create({
    data: {
      orgId: tenant.orgId,
      name: "Another destination",
      adapter: options.adapter ?? "file",
      settings: options.settings ?? {},
      directAddressFrom: "second@direct.test.example",
    },
  });
  await db.subscription.createMany({
    data: (options.dataModels ?? ["Clinical Summary", "Media"]).map((dataModel) => ({
      sourceId: tenant.sourceId,
      destinationId: destination.id,
      dataModel,
    })),
  });
  return destination.id;
}
