import { describe, expect, it } from "vitest";
import { configOpenApiPaths, configOpenApiSecuritySchemes } from "../src/admin/openapi.js";

type PathItem = Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>;

describe("configOpenApiPaths", () => {
  const paths = configOpenApiPaths() as Record<string, PathItem>;

  it("documents the configuration, operator, directory and token routes", () => {
    for (const path of [
      "/v2/auth/token",
      "/operator/organizations",
      "/config/sources",
      "/config/sources/{id}/keys",
      "/config/sources/{id}/subscriptions/{destinationId}",
      "/config/destinations/{id}",
      "/config/direct-addresses",
      "/config/certificates",
      "/config/audit",
      "/directory/imports",
      "/directory",
    ]) {
      expect(paths, path).toHaveProperty([path]);
    }
  });

  it("builds request bodies from the zod schemas, secrets included as write-only fields", () => {
    const destination = paths["/config/destinations"]!.post!.requestBody!.content["application/json"]!.schema as {
      properties: Record<string, { description?: string }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(Object.keys(destination.properties)).toEqual(
      expect.arrayContaining(["name", "adapter", "settings", "secrets", "directAddressFrom", "peerOptions"]),
    );
    expect(destination.required).toEqual(expect.arrayContaining(["name", "adapter", "directAddressFrom"]));
    expect(destination.additionalProperties).toBe(false);
    const certificate = paths["/config/certificates"]!.post!.requestBody!.content["application/json"]!.schema as {
      properties: Record<string, { enum?: string[] }>;
    };
    expect(certificate.properties.format!.enum).toEqual(["pem", "der", "pkcs12", "pkcs7"]);
  });

  it("names only security schemes it defines", () => {
    const schemes = Object.keys(configOpenApiSecuritySchemes());
    const named = new Set(
      Object.values(paths).flatMap((item) =>
        Object.values(item).flatMap((op) => ((op as { security?: object[] }).security ?? []).flatMap(Object.keys)),
      ),
    );
    for (const name of named) expect(schemes).toContain(name);
  });
});
