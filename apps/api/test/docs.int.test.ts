import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { ApiClient } from "./support/http.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let client: ApiClient;

beforeAll(async () => {
  env = await createTestEnv();
  conduit = await initConduit(env.config, { api: true, worker: false, migrate: false });
  client = new ApiClient(`http://127.0.0.1:${conduit.port}`);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

describe("API documentation", () => {
  it("serves one OpenAPI document covering the data models, configuration, status and webhooks", async () => {
    const response = await client.request("GET", "/openapi.json");
    expect(response.status).toBe(200);
    expect(response.json.openapi).toMatch(/^3\.1/);
    const paths = Object.keys(response.json.paths);
    for (const expected of ["/endpoint", "/messages/{id}", "/webhooks", "/webhooks/deliveries/{id}/replay"])
      expect(paths).toContain(expected);
    expect(paths.some((path) => path.startsWith("/config/"))).toBe(true);
    expect(response.json.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
  });

  it("serves a browsable page whose assets come from this server only", async () => {
    const page = await client.request("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source.startsWith("/")).toBe(true);
      expect((await client.request("GET", source)).status).toBe(200);
    }
    expect((await client.request("GET", "/docs/init.js")).text).toContain("/openapi.json");
  });
});
