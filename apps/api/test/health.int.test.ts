import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { initConduit } from "../src/lifecycle.js";
import { ApiClient } from "./support/http.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.cleanup();
});

describe("GET /health", () => {
  it("answers 200 when PostgreSQL and Redis answer", async () => {
    const conduit = await initConduit(env.config, { api: true, worker: false, migrate: false });
    try {
      const response = await new ApiClient(`http://127.0.0.1:${conduit.port}`).request("GET", "/health");
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ status: "ok", postgres: "up", redis: "up" });
    } finally {
      await conduit.close();
    }
  });

  it("answers 503 naming PostgreSQL when it cannot be reached, and POST /endpoint answers 503, not 2xx", async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    const config: Config = {
      ...env.config,
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/conduit",
      SEED_DEV_DATA: false,
    };
    const conduit = await initConduit(config, { api: true, worker: false, migrate: false });
    try {
      const api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
      const health = await api.request("GET", "/health");
      expect(health.status).toBe(503);
      expect(health.json).toEqual({ status: "unavailable", postgres: "down", redis: "up" });
      const auth = await api.request("POST", "/auth/authenticate", { apiKey: "k", secret: "s" });
      expect(auth.status).toBe(503);
      expect(auth.headers.get("retry-after")).toBe("5");
    } finally {
      await conduit.close();
    }
  });
});
