import { buildOpenApiDocument } from "@conduit/datamodels";
import { configOpenApiPaths, configOpenApiSecuritySchemes } from "../admin/openapi.js";

const bearer = [{ bearerAuth: [] }];

/** Routes described here rather than in the data models: message status and webhooks. */
const operationalPaths = {
  "/messages/{id}": {
    get: {
      summary: "A message's status, per-recipient delivery states, webhook deliveries and timeline (never its payload)",
      security: bearer,
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
      responses: {
        "200": { description: "The message" },
        "404": { description: "No such message in your organization" },
      },
    },
  },
  "/webhooks": {
    get: {
      summary: "List webhook destinations (never their secrets)",
      security: bearer,
      responses: { "200": { description: "Webhook destinations" } },
    },
    post: {
      summary: "Register a webhook destination; it is verified with a challenge POST before it is saved",
      security: bearer,
      requestBody: {
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["name", "url", "verificationToken"],
              properties: {
                name: { type: "string" },
                url: { type: "string", format: "uri" },
                verificationToken: { type: "string", minLength: 8 },
                hmacSecret: { type: "string", minLength: 16, description: "Omit to have one made and returned once" },
                subscriptions: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      kind: { enum: ["content", "status"] },
                      dataModels: { type: "array", items: { type: "string" } },
                      directAddresses: { type: "array", items: { type: "string" } },
                      format: { enum: ["redox", "fhir"] },
                    },
                  },
                },
              },
            },
          },
        },
      },
      responses: {
        "201": { description: "Registered" },
        "400": { description: "Invalid, or the endpoint failed verification" },
      },
    },
  },
  "/webhooks/{id}": {
    get: {
      summary: "One webhook destination",
      security: bearer,
      responses: { "200": { description: "The destination" } },
    },
    patch: {
      summary: "Rename, re-point (re-verified), rotate secrets, disable",
      security: bearer,
      responses: { "200": { description: "Updated" } },
    },
  },
  "/webhooks/{id}/subscriptions": {
    post: { summary: "Add a subscription", security: bearer, responses: { "201": { description: "Added" } } },
  },
  "/webhooks/deliveries": {
    get: {
      summary: "Webhook deliveries, e.g. the dead letters (?status=dead)",
      security: bearer,
      parameters: [{ name: "status", in: "query", schema: { enum: ["pending", "delivered", "dead"] } }],
      responses: { "200": { description: "Deliveries" } },
    },
  },
  "/webhooks/deliveries/{id}/replay": {
    post: {
      summary: "Deliver a dead-lettered (or delivered) delivery again",
      security: bearer,
      responses: { "202": { description: "Queued" } },
    },
  },
  "/health": {
    get: {
      summary: "200 when PostgreSQL and Redis answer, else 503",
      responses: { "200": { description: "Healthy" } },
    },
  },
};

let cached: Record<string, unknown> | undefined;

/** Conduit's whole OpenAPI document: the data-model API, the configuration API, status and webhooks. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const base = buildOpenApiDocument();
  const components = (base.components ?? {}) as Record<string, unknown>;
  cached = {
    ...base,
    paths: { ...(base.paths as object), ...configOpenApiPaths(), ...operationalPaths },
    components: {
      ...components,
      securitySchemes: {
        ...((components.securitySchemes as object) ?? {}),
        ...configOpenApiSecuritySchemes(),
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      },
    },
  };
  return cached;
}
