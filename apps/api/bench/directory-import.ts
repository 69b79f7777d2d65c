/**
 * Benchmark: importing NPPES-style endpoint files into the provider directory (parse + diff + bulk write), on a
 * database of its own (created, migrated and dropped). Run: `npx tsx bench/directory-import.ts [rows...]`.
 * Needs PostgreSQL at BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { dropDatabase } from "../src/db/create-database.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { createDatabase } from "../src/db/prisma.js";
import { importDirectory } from "../src/directory/import-directory.js";
import { parseDirectory } from "../src/directory/parse-directory.js";
import { nppesFile, nppesRows } from "../test/support/directory-files.js";

export interface DirectoryBenchResult {
  rows: number;
  fileBytes: number;
  parseMs: number;
  firstImportMs: number;
  /** Same file again with 1% of rows changed, 0.5% removed and 0.5% added. */
  reimportMs: number;
  reimport: { added: number; changed: number; removed: number };
}

export async function benchDirectoryImport(sizes: number[] = [10_000]): Promise<DirectoryBenchResult[]> {
  const server = new URL(process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  server.pathname = `/conduit_bench_${randomBytes(6).toString("hex")}`;
  const url = server.toString();
  await migrateDatabase(url);
  const db = createDatabase(url);
  const results: DirectoryBenchResult[] = [];
  try {
    for (const size of sizes) {
      const org = await db.organization.create({ data: { name: `bench ${size}` } });
      const rows = nppesRows(size);
      const file = nppesFile(rows);
      let started = performance.now();
      const parsed = await parseDirectory("nppes", file, undefined);
      const parseMs = performance.now() - started;
      started = performance.now();
      await importDirectory(db, org.id, "nppes", parsed.rows);
      const firstImportMs = performance.now() - started;

      const changedRows = rows.map((row, index) => (index % 100 === 0 ? { ...row, organization: "Renamed" } : row));
      const kept = changedRows.filter((_, index) => index % 200 !== 1);
      const next = [...kept, ...nppesRows(Math.floor(size / 200), 700_000_000)];
      started = performance.now();
      const reparsed = await parseDirectory("nppes", nppesFile(next), undefined);
      const counts = await importDirectory(db, org.id, "nppes", reparsed.rows);
      const reimportMs = performance.now() - started;
      results.push({
        rows: size,
        fileBytes: Buffer.byteLength(file),
        parseMs: Math.round(parseMs),
        firstImportMs: Math.round(firstImportMs),
        reimportMs: Math.round(reimportMs),
        reimport: { added: counts.added, changed: counts.changed, removed: counts.removed },
      });
    }
  } finally {
    await db.$disconnect();
    await dropDatabase(url);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  const results = await benchDirectoryImport(sizes.length ? sizes : [10_000, 100_000]);
  console.table(results.map(({ reimport, ...rest }) => ({ ...rest, ...reimport })));
}
