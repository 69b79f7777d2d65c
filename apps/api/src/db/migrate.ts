import { ensureDatabase } from "./create-database.js";
import { noFilters, readMigrations, withSchemaEngine } from "./schema-engine.js";
import { compressLargeValuesWithLz4 } from "./value-compression.js";

/**
 * What `prisma migrate deploy` does: creates the database if needed and applies every pending migration; then moves
 * the payload columns to lz4 compression where the server has it.
 */
export async function migrateDatabase(databaseUrl: string): Promise<{ created: boolean; applied: string[] }> {
  const created = await ensureDatabase(databaseUrl);
  const migrationsList = await readMigrations();
  const { appliedMigrationNames } = await withSchemaEngine(databaseUrl, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilters }),
  );
  await compressLargeValuesWithLz4(databaseUrl);
  return { created, applied: appliedMigrationNames };
}
