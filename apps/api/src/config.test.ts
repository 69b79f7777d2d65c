import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("works with nothing set, on local PostgreSQL and Redis", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/conduit");
    expect(config.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(config.SEED_DEV_DATA).toBe(true);
    expect(config.OUTBOX_DIR.endsWith("var/outbox")).toBe(true);
  });

  it("stops with one line naming the variable and the problem", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(
      /^Invalid configuration: PORT: expected a whole number from 0 to 65535 \(got "eighty"\)$/,
    );
    expect(() => loadConfig({ DATABASE_URL: "mysql://x/y" })).toThrow(
      /^Invalid configuration: DATABASE_URL: expected postgresql:\/\//,
    );
    expect(() => loadConfig({ SEED_DEV_DATA: "perhaps" })).toThrow(
      /^Invalid configuration: SEED_DEV_DATA: expected true or false/,
    );
  });

  it("requires JWT_SECRET and SECRETS_KEY in production and never echoes them", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(
      /^Invalid configuration: JWT_SECRET: required when NODE_ENV=production$/,
    );
    expect(() => loadConfig({ JWT_SECRET: "short-secret-value" })).toThrow(
      /^Invalid configuration: JWT_SECRET: expected at least 32 characters$/,
    );
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(40) })).toThrow(
      /^Invalid configuration: SECRETS_KEY: required when NODE_ENV=production$/,
    );
    expect(() => loadConfig({ SECRETS_KEY: "c2hvcnQ=" })).toThrow(
      /^Invalid configuration: SECRETS_KEY: expected base64 of 32 random bytes$/,
    );
    const production = loadConfig({
      NODE_ENV: "production",
      JWT_SECRET: "x".repeat(40),
      SECRETS_KEY: Buffer.alloc(32, 7).toString("base64"),
    });
    expect(production.SEED_DEV_DATA).toBe(false);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "" }).PORT).toBe(3000);
  });
});
