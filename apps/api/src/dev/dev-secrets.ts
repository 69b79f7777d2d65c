import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.js";

export interface ProcessSecrets {
  /** Signs access tokens. */
  jwtSecret: string;
  /** Encrypts secrets at rest (32 bytes). */
  secretsKey: Buffer;
}

/**
 * JWT_SECRET and SECRETS_KEY from the configuration (both required in production). On a development machine, whatever
 * is not configured is made on first start and kept in var/dev-secrets.json (mode 600), so tokens and stored secrets
 * survive a restart.
 */
export async function resolveSecrets(config: Config): Promise<ProcessSecrets> {
  const configuredKey = config.SECRETS_KEY ? Buffer.from(config.SECRETS_KEY, "base64") : undefined;
  if (config.JWT_SECRET && configuredKey) return { jwtSecret: config.JWT_SECRET, secretsKey: configuredKey };
  const file = path.join(config.VAR_DIR, "dev-secrets.json");
  let existed = true;
  const stored = await readFile(file, "utf8").then(
    (text) => JSON.parse(text) as { jwtSecret?: string; secretsKey?: string },
    () => {
      existed = false;
      return {} as { jwtSecret?: string; secretsKey?: string };
    },
  );
  let changed = false;
  if (!stored.jwtSecret || stored.jwtSecret.length < 32) {
    stored.jwtSecret = randomBytes(48).toString("base64url");
    changed = true;
  }
  if (!stored.secretsKey || Buffer.from(stored.secretsKey, "base64").length !== 32) {
    stored.secretsKey = randomBytes(32).toString("base64");
    changed = true;
  }
  if (changed) {
    await mkdir(config.VAR_DIR, { recursive: true });
    // Several processes may start at once on one var/ (docker compose): the first to create the file wins, and the
    // others read what it wrote, so all of them sign and seal with the same secrets.
    const created = await writeFile(file, JSON.stringify(stored, null, 2), {
      mode: 0o600,
      flag: existed ? "w" : "wx",
    }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") return false;
        throw error;
      },
    );
    if (!created) return resolveSecrets(config);
  }
  return {
    jwtSecret: config.JWT_SECRET ?? stored.jwtSecret,
    secretsKey: configuredKey ?? Buffer.from(stored.secretsKey, "base64"),
  };
}
