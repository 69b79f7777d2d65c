import { ensureDatabase } from "./create-database.js";
import { noFilters, readMigrations, withSchemaEngine } from "./schema-engine.js";

/** What `prisma migrate deploy` does: creates the database if needed and applies every pending migration. */
export async function migrateDatabase(databaseUrl: string): Promise<{ created: boolean; applied: string[] }> {
  const created = await ensureDatabase(databaseUrl);
  const migrationsList = await readMigrations();
  const { appliedMigrationNames } = await withSchemaEngine(databaseUrl, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilters }),
  );
  return { created, applied: appliedMigrationNames };
}
