import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi.js";
import { supportedEvents } from "./registry.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("OpenAPI document", () => {
  const document = buildOpenApiDocument() as Json;

  it("is OpenAPI 3.1 with POST /endpoint taking every supported event", () => {
    expect(document.openapi).toBe("3.1.0");
    const variants = document.paths["/endpoint"].post.requestBody.content["application/json"].schema.oneOf;
    expect(variants).toHaveLength(supportedEvents().length);
    for (const variant of variants) expect(document.components.schemas[variant.$ref.split("/").pop()]).toBeDefined();
  });

  it("describes the models field by field, from the zod schemas", () => {
    const patientPush = document.components.schemas.ClinicalSummaryPatientPush;
    expect(patientPush.required).toEqual(expect.arrayContaining(["Meta", "Header"]));
    const allergy = patientPush.properties.Allergies.anyOf.find((item: Json) => item.type === "array").items;
    expect(Object.keys(allergy.properties)).toEqual(
      expect.arrayContaining(["Substance", "Reaction", "Criticality", "IsNegativeIndicator"]),
    );
    const media = document.components.schemas.MediaReplace.properties.Media;
    expect(media.required).toEqual(
      expect.arrayContaining(["FileType", "FileName", "FileContents", "DocumentID", "OriginalDocumentID", "Provider"]),
    );
    expect(document.components.schemas.MediaDelete.properties.Media.properties.FileContents).toBeUndefined();
  });

  it("documents the Redox error shape", () => {
    expect(document.components.schemas.RedoxError.properties.Module.enum).toEqual([
      "Request",
      "Send",
      "Auth",
      "Server",
    ]);
    expect(document.paths["/endpoint"].post.responses["400"].content["application/json"].schema.$ref).toBe(
      "#/components/schemas/RedoxResponse",
    );
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});
