import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type * as SchemaEngineModule from "@prisma/schema-engine-wasm";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

/**
 * Prisma's schema engine, run as WebAssembly over a driver adapter.
 *
 * `prisma migrate deploy` needs a native engine that the Prisma CLI downloads on first use; machines that reach only
 * the npm registry cannot fetch it. The same engine ships as wasm in `@prisma/schema-engine-wasm`, and its
 * `applyMigrations` is what `migrate deploy` runs, `_prisma_migrations` table included, so the migration history stays
 * the one Prisma's own CLI reads wherever the native engine is available.
 */
const require = createRequire(import.meta.url);

export const migrationsDir = path.resolve(import.meta.dirname, "../../../../prisma/migrations");
export const schemaPath = path.resolve(import.meta.dirname, "../../../../prisma/schema.prisma");

type WasmBindings = typeof SchemaEngineModule & { __wbg_set_wasm(exports: unknown): void };

// Node has WebAssembly; the ES2023 lib that this project compiles against does not declare it.
const wasmRuntime = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
interface WasmRuntime {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}

let bindings: Promise<WasmBindings> | undefined;

async function loadBindings(): Promise<WasmBindings> {
  // The package entry imports the .wasm as an ES module, which Node refuses; instantiate it by hand instead.
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = (await import(pathToFileURL(gluePath).href)) as WasmBindings;
  const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
  const { instance } = await wasmRuntime.instantiate(bytes, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return glue;
}

export async function withSchemaEngine<T>(databaseUrl: string, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  bindings ??= loadBindings();
  const { SchemaEngine } = await bindings;
  // Idle connections close quickly: the engine has no "disconnect", and a lingering pool would keep a CLI alive.
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(
    new PrismaPg({ connectionString: databaseUrl, max: 2, idleTimeoutMillis: 100 }),
  );
  const engine = await SchemaEngine.new({ datamodels: undefined }, () => undefined, adapterFactory);
  try {
    return await work(engine);
  } finally {
    engine.free();
  }
}

export async function readMigrations(): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    directories.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8").then(
          (sql) => ({ tag: "ok" as const, value: sql }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        ),
      },
    })),
  );
  const lockfilePath = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: await readFile(lockfilePath, "utf8").catch(() => null) },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export const noFilters = { externalTables: [], externalEnums: [] };
