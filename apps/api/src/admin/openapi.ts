import { z } from "zod";
import { directoryImport, directorySearch } from "../directory/directory-router.js";
import {
  adminCreate,
  certificateCreate,
  destinationCreate,
  destinationUpdate,
  directAddressCreate,
  directAddressUpdate,
  organizationCreate,
  sourceCreate,
  sourceKeyCreate,
  sourceUpdate,
  subscriptionPut,
} from "./schemas.js";

type JsonSchema = Record<string, unknown>;

/** A request body's JSON Schema, as the caller writes it (before defaults and transforms). */
const input = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

const redoxErrors = {
  description:
    "`{Meta: {Errors: [{ID, Text, Type, Module}]}}`; each `Text` starts with the field at fault (`name: ...`)",
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          Meta: {
            type: "object",
            properties: {
              Errors: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    ID: { type: "integer" },
                    Text: { type: "string" },
                    Type: { type: "string" },
                    Module: { type: "string" },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const json = (description: string) => ({
  description,
  content: { "application/json": { schema: { type: "object" } } },
});

interface Operation {
  summary: string;
  body?: z.ZodType;
  ok?: number;
  okDescription?: string;
  security?: "admin" | "operator" | "sourceOrAdmin" | "none";
  query?: z.ZodObject;
}

function operation(tag: string, op: Operation) {
  const responses: Record<string, unknown> = {
    [String(op.ok ?? 200)]:
      op.ok === 204 ? { description: op.okDescription ?? "done" } : json(op.okDescription ?? "ok"),
    "400": redoxErrors,
    "401": redoxErrors,
    "404": redoxErrors,
  };
  const security = op.security ?? "admin";
  return {
    tags: [tag],
    summary: op.summary,
    ...(security === "none"
      ? {}
      : {
          security:
            security === "sourceOrAdmin" ? [{ sourceToken: [] }, { adminToken: [] }] : [{ [`${security}Token`]: [] }],
        }),
    ...(op.query
      ? {
          parameters: Object.entries((input(op.query) as { properties: Record<string, JsonSchema> }).properties).map(
            ([name, schema]) => ({ name, in: "query", required: false, schema }),
          ),
        }
      : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: input(op.body) } } } }
      : {}),
    responses,
  };
}

const idParameter = (name = "id") => ({ name, in: "path", required: true, schema: { type: "string", format: "uuid" } });

/**
 * The OpenAPI 3.1 path items of the configuration API, the operator API, the provider directory and the OAuth token
 * endpoint, built from the same zod schemas that validate the requests. Errors are Redox's `Meta.Errors` shape, every
 * text naming its field; the token endpoint answers OAuth's `{error, error_description}`.
 */
export function configOpenApiPaths(): Record<string, unknown> {
  const cfg = (summary: string, extra: Omit<Operation, "summary"> = {}) =>
    operation("Configuration", { summary, ...extra });
  const withId = (item: Record<string, unknown>, ...names: string[]) => ({
    parameters: (names.length ? names : ["id"]).map(idParameter),
    ...item,
  });
  const disableEnable = (what: string) => ({
    disable: withId({ post: cfg(`Disable a ${what}`) }),
    enable: withId({ post: cfg(`Enable a ${what} again`) }),
  });
  const sources = disableEnable("source");
  const destinations = disableEnable("destination");
  const addresses = disableEnable("Direct address");
  const certificates = disableEnable("certificate");

  return {
    "/v2/auth/token": {
      post: {
        tags: ["Auth"],
        summary:
          "OAuth 2.0 client credentials: a source's signed JWT client assertion (RS384/ES384 with kid, or HS384), or an administrator's client_id and client_secret",
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                required: ["grant_type"],
                properties: {
                  grant_type: { const: "client_credentials" },
                  client_assertion_type: { const: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" },
                  client_assertion: {
                    type: "string",
                    description:
                      "JWT: iss = sub = client id, aud = this URL, exp at most 5 minutes ahead, jti used once",
                  },
                  client_id: { type: "string" },
                  client_secret: { type: "string" },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: '`{access_token, token_type: "Bearer", expires_in}`',
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    access_token: { type: "string" },
                    token_type: { const: "Bearer" },
                    expires_in: { type: "integer" },
                  },
                },
              },
            },
          },
          "400": { description: "`{error: invalid_request | unsupported_grant_type, error_description}`" },
          "401": { description: "`{error: invalid_client, error_description}`" },
        },
      },
    },
    "/operator/organizations": {
      post: operation("Operator", {
        summary: "Create an organization and its first administrator (client secret shown once)",
        body: organizationCreate,
        ok: 201,
        security: "operator",
      }),
      get: operation("Operator", { summary: "List organizations", security: "operator" }),
    },
    "/operator/organizations/{id}/admins": withId({
      post: operation("Operator", {
        summary: "Add an administrator",
        body: adminCreate,
        ok: 201,
        security: "operator",
      }),
    }),
    "/operator/organizations/{id}/disable": withId({
      post: operation("Operator", { summary: "Disable an organization", ok: 204, security: "operator" }),
    }),
    "/config/sources": {
      post: cfg("Create a source (app); its legacy secret is shown once", { body: sourceCreate, ok: 201 }),
      get: cfg("List sources"),
    },
    "/config/sources/{id}": withId({
      get: cfg("Read a source"),
      patch: cfg("Update a source (assertionSecret is write-only)", { body: sourceUpdate }),
    }),
    "/config/sources/{id}/disable": sources.disable,
    "/config/sources/{id}/enable": sources.enable,
    "/config/sources/{id}/secret": withId({ post: cfg("Rotate the legacy secret (shown once)") }),
    "/config/sources/{id}/keys": withId({
      get: cfg("List the source's public keys"),
      post: cfg("Register a public key (JWK or PEM) for JWT assertions", { body: sourceKeyCreate, ok: 201 }),
    }),
    "/config/sources/{id}/keys/{keyId}": withId({ delete: cfg("Disable a key", { ok: 204 }) }, "id", "keyId"),
    "/config/sources/{id}/subscriptions": withId({ get: cfg("List the source's subscriptions") }),
    "/config/sources/{id}/subscriptions/{destinationId}": withId(
      {
        put: cfg("Set the data models the source may send to a destination", { body: subscriptionPut }),
        delete: cfg("Remove the subscription", { ok: 204 }),
      },
      "id",
      "destinationId",
    ),
    "/config/destinations": {
      post: cfg("Create a destination (secrets are write-only)", { body: destinationCreate, ok: 201 }),
      get: cfg("List destinations"),
    },
    "/config/destinations/{id}": withId({
      get: cfg("Read a destination (secret names only)"),
      patch: cfg("Update a destination; a secret set to null is removed", { body: destinationUpdate }),
    }),
    "/config/destinations/{id}/disable": destinations.disable,
    "/config/destinations/{id}/enable": destinations.enable,
    "/config/direct-addresses": {
      post: cfg("Register a Direct address or @domain", { body: directAddressCreate, ok: 201 }),
      get: cfg("List Direct addresses"),
    },
    "/config/direct-addresses/{id}": withId({
      get: cfg("Read a Direct address and its certificates"),
      patch: cfg("Update a Direct address", { body: directAddressUpdate }),
    }),
    "/config/direct-addresses/{id}/disable": addresses.disable,
    "/config/direct-addresses/{id}/enable": addresses.enable,
    "/config/certificates": {
      post: cfg("Upload a certificate, trust anchor or bundle (PEM, DER, PKCS#7, PKCS#12)", {
        body: certificateCreate,
        ok: 201,
      }),
      get: cfg("List certificates (`expiresSoon` within 30 days); filters scope, use, expiringSoon=true"),
    },
    "/config/certificates/{id}": withId({ get: cfg("Read a certificate (PEM, never its private key)") }),
    "/config/certificates/{id}/disable": certificates.disable,
    "/config/certificates/{id}/enable": certificates.enable,
    "/config/admins": {
      get: cfg("List administrators"),
      post: cfg("Create an administrator (client secret shown once)", { body: adminCreate, ok: 201 }),
    },
    "/config/admins/{id}/disable": withId({ post: cfg("Disable an administrator", { ok: 204 }) }),
    "/config/audit": {
      get: cfg("The audit log: configuration changes and message reads, newest first (limit, before)"),
    },
    "/directory/imports": {
      post: operation("Directory", {
        summary: "Import the NPPES endpoint file or a HISP's CSV/XLSX; reports added/changed/removed and errors by row",
        body: directoryImport,
      }),
    },
    "/directory": {
      get: operation("Directory", {
        summary: "Search the organization's provider directory",
        query: directorySearch,
        security: "sourceOrAdmin",
      }),
    },
  };
}

/** Security schemes the paths above name. */
export function configOpenApiSecuritySchemes(): Record<string, unknown> {
  return {
    sourceToken: { type: "http", scheme: "bearer", description: "A source's access token" },
    adminToken: { type: "http", scheme: "bearer", description: "An organization administrator's access token" },
    operatorToken: { type: "http", scheme: "bearer", description: "OPERATOR_TOKEN" },
  };
}
