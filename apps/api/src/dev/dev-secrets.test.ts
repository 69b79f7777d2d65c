import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../config.js";
import { resolveSecrets } from "./dev-secrets.js";

describe("resolveSecrets", () => {
  it("gives processes starting together on one var/ the same development secrets", async () => {
    const varDir = await mkdtemp(path.join(os.tmpdir(), "conduit-secrets-"));
    try {
      const config = configSchema.parse({ VAR_DIR: varDir });
      const results = await Promise.all(Array.from({ length: 8 }, () => resolveSecrets(config)));
      expect(new Set(results.map((result) => result.jwtSecret)).size).toBe(1);
      expect(new Set(results.map((result) => result.secretsKey.toString("hex"))).size).toBe(1);
      expect(results[0]!.secretsKey).toHaveLength(32);
    } finally {
      await rm(varDir, { recursive: true, force: true });
    }
  });

  it("uses configured secrets as they are", async () => {
    const key = Buffer.alloc(32, 9).toString("base64");
    const config = configSchema.parse({ JWT_SECRET: "j".repeat(40), SECRETS_KEY: key });
    const secrets = await resolveSecrets(config);
    expect(secrets.jwtSecret).toBe("j".repeat(40));
    expect(secrets.secretsKey.toString("base64")).toBe(key);
  });
});
