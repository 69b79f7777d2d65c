// Generates the Prisma client (apps/api/src/generated/prisma) after `npm ci`.
// Generation runs in WebAssembly, but the Prisma CLI first looks for its native schema engine and, when that is
// missing, tries to download it; machines that reach only the npm registry cannot. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any executable skips that download; generation never runs it. Migrations are applied
// by apps/api/src/db/migrate.ts through the engine's wasm build, not by the CLI.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let prismaCli;
try {
  prismaCli = require.resolve("prisma/build/index.js");
} catch {
  console.log("prisma CLI not installed (production install?): skipping client generation");
  process.exit(0);
}
const env = { ...process.env, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const result = spawnSync(process.execPath, [prismaCli, "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
