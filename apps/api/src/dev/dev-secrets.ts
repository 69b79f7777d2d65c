import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.js";

/**
 * The access-token signing secret. From JWT_SECRET when set (required in production); on a development machine one
 * is made on first start and kept in var/dev-secrets.json (mode 600), so tokens survive a restart.
 */
export async function resolveJwtSecret(config: Config): Promise<string> {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = path.join(config.VAR_DIR, "dev-secrets.json");
  const existing = await readFile(file, "utf8").then(
    (text) => JSON.parse(text) as { jwtSecret?: string },
    () => undefined,
  );
  if (existing?.jwtSecret && existing.jwtSecret.length >= 32) return existing.jwtSecret;
  const jwtSecret = randomBytes(48).toString("base64url");
  await mkdir(config.VAR_DIR, { recursive: true });
  await writeFile(file, JSON.stringify({ jwtSecret }, null, 2), { mode: 0o600 });
  return jwtSecret;
}
