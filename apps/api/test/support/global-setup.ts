import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { dropDatabase } from "../../src/db/create-database.js";
import { migrateDatabase } from "../../src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
  }
}

const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** One migrated template database per test run; each test file clones its own from it and drops it after. */
export default async function setup(project: TestProject) {
  const url = new URL(serverUrl);
  url.pathname = `/conduit_test_tpl_${randomBytes(6).toString("hex")}`;
  const templateUrl = url.toString();
  await migrateDatabase(templateUrl);
  project.provide("templateDatabaseUrl", templateUrl);
  return async () => {
    await dropDatabase(templateUrl);
  };
}
