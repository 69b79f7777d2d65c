import { z } from "zod";
import { clinicalSummaryPatientPushSchema, clinicalSummaryVisitPushSchema } from "./clinical-summary.js";
import { mediaDeleteEventSchema, mediaNewSchema, mediaReplaceEventSchema } from "./media.js";

/** Redox's error entry, `Meta.Errors[]`. */
export const redoxErrorSchema = z.object({
  ID: z.number().int(),
  Text: z.string().meta({
    description: "The failing path and what was expected, e.g. `Header.Patient.Demographics.DOB: expected a date ...`",
  }),
  Type: z.enum(["message", "auth", "system"]),
  Module: z.enum(["Request", "Send", "Auth", "Server"]),
});

/** Redox's response to POST /endpoint: the request's Meta echoed with Logs (accepted) or Errors (refused). */
export const redoxResponseSchema = z.object({
  Meta: z.looseObject({
    DataModel: z.string(),
    EventType: z.string(),
    Message: z.object({ ID: z.union([z.string(), z.number()]) }).optional(),
    Source: z.looseObject({ ID: z.string().nullish(), Name: z.string().nullish() }).optional(),
    Destinations: z.array(z.looseObject({ ID: z.string(), Name: z.string().nullish() })).optional(),
    Logs: z.array(z.object({ ID: z.string(), AttemptID: z.string() })).optional(),
    Errors: z.array(redoxErrorSchema).optional(),
  }),
});

const requestVariants = {
  ClinicalSummaryPatientPush: { schema: clinicalSummaryPatientPushSchema, title: "Clinical Summary / PatientPush" },
  ClinicalSummaryVisitPush: { schema: clinicalSummaryVisitPushSchema, title: "Clinical Summary / VisitPush" },
  MediaNew: { schema: mediaNewSchema, title: "Media / New" },
  MediaReplace: { schema: mediaReplaceEventSchema, title: "Media / Replace" },
  MediaDelete: { schema: mediaDeleteEventSchema, title: "Media / Delete" },
} as const;

/**
 * JSON Schema (2020-12, the dialect OpenAPI 3.1 uses) of what a client sends. Checks that JSON Schema cannot express
 * (base64 that decodes, content matching FileType, real calendar dates) are enforced by the API and described in
 * the error it returns.
 */
function toSchema(schema: z.ZodType, title: string) {
  return {
    title,
    ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }),
  } as Record<string, unknown>;
}

function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/**
 * The OpenAPI 3.1 document for Conduit's Redox-compatible API, generated from the same zod schemas that validate
 * requests, so the documentation cannot drift from the behaviour.
 */
export function buildOpenApiDocument(options: { version?: string; serverUrl?: string } = {}): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const [name, variant] of Object.entries(requestVariants))
    schemas[name] = withoutDialect(toSchema(variant.schema, variant.title));
  schemas.RedoxResponse = withoutDialect(toSchema(redoxResponseSchema, "Redox response"));
  schemas.RedoxError = withoutDialect(toSchema(redoxErrorSchema, "Redox error"));
  const reference = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: reference("RedoxResponse") } },
  });
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Conduit",
      version: options.version ?? "0.1.0",
      description:
        "Send and receive clinical documents over Direct Secure Messaging with a Redox-compatible API. " +
        "POST a Redox data model to /endpoint; ClinicalSummary goes out as C-CDA R2.1, Media as its file.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths: {
      "/endpoint": {
        post: {
          operationId: "sendMessage",
          summary:
            "Send a Redox data model (ClinicalSummary PatientPush/VisitPush, Media New/Replace/Delete) over Direct",
          security: [{ bearerAuth: [] }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { oneOf: Object.keys(requestVariants).map(reference) },
              },
            },
          },
          responses: {
            "200": {
              description: "Accepted: one Log per destination",
              content: { "application/json": { schema: reference("RedoxResponse") } },
            },
            "400": errorResponse("Refused: Meta.Errors lists each failing path with what was expected"),
            "401": errorResponse("Missing or invalid access token"),
            "413": errorResponse("The request is larger than the limit"),
            "500": errorResponse("Conduit failed; nothing was sent"),
          },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
    },
  };
}
