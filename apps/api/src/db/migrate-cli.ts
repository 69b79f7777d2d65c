/** `npm run migrate`: create the database if needed, apply pending migrations, exit. */
import { ConfigError, loadConfig } from "../config.js";
import { migrateDatabase } from "./migrate.js";

try {
  const config = loadConfig();
  const { created, applied } = await migrateDatabase(config.DATABASE_URL);
  if (created) console.log("database created");
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
  process.exit(0);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`);
  process.exit(1);
}
