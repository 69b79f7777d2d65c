/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes the committed migrations to
 * prisma/schema.prisma (what `prisma migrate dev --create-only` does, without the native engine).
 * Usage: npm run migration:new --workspace @conduit/api -- <name>
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { dropDatabase } from "./create-database.js";
import { migrateDatabase } from "./migrate.js";
import { migrationsDir, noFilters, schemaPath, withSchemaEngine } from "./schema-engine.js";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: migration-new <snake_case_name>");
  process.exit(2);
}
const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/conduit";
const scratch = new URL(base);
scratch.pathname = `/conduit_migration_${randomUUID().replaceAll("-", "")}`;
const scratchUrl = scratch.toString();
try {
  await migrateDatabase(scratchUrl);
  const content = await readFile(schemaPath, "utf8");
  const { stdout } = await withSchemaEngine(scratchUrl, (engine) =>
    engine.diff({
      from: { tag: "url", url: scratchUrl },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    }),
  );
  if (!stdout || stdout.trim() === "-- This is an empty migration.") {
    console.log("schema.prisma matches the migrations: nothing to write");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "migration.sql"), stdout);
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  }
} finally {
  await dropDatabase(scratchUrl);
}
