/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes the schema as committed (git HEAD, or
 * the ref given as the second argument) to prisma/schema.prisma as it is now. It is what `prisma migrate dev
 * --create-only` does, without the native engine; review the SQL before committing it.
 * Usage: npm run migration:new --workspace @conduit/api -- <snake_case_name> [git-ref]
 */
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { migrationsDir, noFilters, schemaPath, withSchemaEngine } from "./schema-engine.js";

const [name, ref = "HEAD"] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: migration-new <snake_case_name> [git-ref]");
  process.exit(2);
}
const repoRoot = path.resolve(path.dirname(schemaPath), "..");
const before = execFileSync("git", ["show", `${ref}:prisma/schema.prisma`], { cwd: repoRoot, encoding: "utf8" });
const after = await readFile(schemaPath, "utf8");
// The diff compares two schema files; the engine still wants a database connection, which it does not use here.
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const { stdout } = await withSchemaEngine(databaseUrl, (engine) =>
  engine.diff({
    from: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: before }] },
    to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: after }] },
    script: true,
    exitCode: null,
    filters: noFilters,
  }),
);
if (!stdout || /^-- This is an empty migration\.\s*$/.test(stdout)) {
  console.log(`prisma/schema.prisma is unchanged since ${ref}: nothing to write`);
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "migration.sql"), stdout);
  console.log(`wrote ${path.relative(repoRoot, dir)}/migration.sql`);
}
process.exit(0);
