import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { createOrganization, postForm, testOperatorToken } from "./support/admin.js";
import { ApiClient } from "./support/http.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let baseUrl: string;
let tenant: TestTenant;
let tokenUrl: string;
const operatorToken = testOperatorToken();

// Keys made at test time: nothing is committed.
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
const hsSecret = randomBytes(48).toString("base64url");

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

interface AssertionOptions {
  alg?: jwt.Algorithm;
  kid?: string | null;
  key?: KeyObject | string;
  aud?: string;
  exp?: number;
  jti?: string;
  iss?: string;
  sub?: string;
}

function assertion(options: AssertionOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const clientId = tenant.apiKey;
  const alg = options.alg ?? "RS384";
  const header: jwt.JwtHeader = { alg, typ: "JWT" };
  if (options.kid !== null) header.kid = options.kid ?? (alg === "ES384" ? "ec-key-1" : "rsa-key-1");
  const key = options.key ?? (alg === "ES384" ? ec.privateKey : alg === "HS384" ? hsSecret : rsa.privateKey);
  return jwt.sign(
    {
      iss: options.iss ?? clientId,
      sub: options.sub ?? clientId,
      aud: options.aud ?? tokenUrl,
      exp: options.exp ?? now + 240,
      iat: now,
      jti: options.jti ?? randomUUID(),
    },
    key,
    { algorithm: alg, header },
  );
}

function requestToken(clientAssertion: string, extra: Record<string, string> = {}) {
  return postForm(baseUrl, "/v2/auth/token", {
    grant_type: "client_credentials",
    client_assertion_type: JWT_BEARER,
    client_assertion: clientAssertion,
    ...extra,
  });
}

async function registerKey(kid: string, alg: "RS384" | "ES384", publicKey: KeyObject) {
  await conduit.ctx.db.sourceKey.create({
    data: { sourceId: tenant.sourceId, kid, alg, jwk: { ...publicKey.export({ format: "jwk" }), kid } },
  });
}

beforeAll(async () => {
  env = await createTestEnv({ OPERATOR_TOKEN: operatorToken });
  conduit = await initConduit(env.config, { api: true, worker: false, migrate: false });
  baseUrl = `http://127.0.0.1:${conduit.port}`;
  tokenUrl = `${baseUrl}/v2/auth/token`;
  tenant = await createTenant(conduit.ctx.db);
  await registerKey("rsa-key-1", "RS384", rsa.publicKey);
  await registerKey("ec-key-1", "ES384", ec.publicKey);
  await conduit.ctx.db.source.update({
    where: { id: tenant.sourceId },
    data: { assertionSecretEncrypted: conduit.ctx.secrets.seal(hsSecret) },
  });
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

/** A token is good when it reaches a source route: an unknown message is a 404, not a 401. */
async function tokenWorks(token: string): Promise<number> {
  const client = new ApiClient(baseUrl);
  client.token = token;
  return (await client.request("GET", `/messages/${randomUUID()}`)).status;
}

describe("POST /v2/auth/token with a JWT client assertion", () => {
  it("issues a 5-minute Bearer token for an RS384 assertion, and the token opens the API", async () => {
    const response = await requestToken(assertion({ alg: "RS384" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.json).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 300 });
    const claims = jwt.decode(response.json.access_token) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims).toMatchObject({ sub: tenant.sourceId, org: tenant.orgId, kind: "source" });
    expect(await tokenWorks(response.json.access_token)).toBe(404);
  });

  it("issues a token for an ES384 assertion", async () => {
    const response = await requestToken(assertion({ alg: "ES384" }));
    expect(response.status).toBe(200);
    expect(await tokenWorks(response.json.access_token)).toBe(404);
  });

  it("issues a token for an HS384 assertion signed with the source's secret", async () => {
    const response = await requestToken(assertion({ alg: "HS384", kid: null }));
    expect(response.status).toBe(200);
  });

  it.each([
    ["an expired assertion", () => assertion({ exp: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ["a wrong audience", () => assertion({ aud: "https://elsewhere.example/v2/auth/token" }), /aud must be/],
    ["an unknown kid", () => assertion({ kid: "not-registered" }), /no key with kid "not-registered"/],
    ["no kid", () => assertion({ kid: null }), /must name the key \(kid\)/],
    ["HS384 with a wrong secret", () => assertion({ alg: "HS384", kid: null, key: "x".repeat(64) }), /signature/],
    ["an exp more than 5 minutes ahead", () => assertion({ exp: Math.floor(Date.now() / 1000) + 900 }), /5 minutes/],
    ["sub other than the client id", () => assertion({ sub: randomUUID() }), /sub must be the client id/],
    ["an unknown client", () => assertion({ iss: randomUUID(), sub: randomUUID() }), /unknown client/],
    ["RS256 (not an accepted algorithm)", () => assertion({ alg: "RS256" }), /alg must be one of RS384, ES384, HS384/],
    [
      "a signature by another key under a registered kid",
      () => assertion({ key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey }),
      /signature/,
    ],
    ["an ES384 kid used with RS384", () => assertion({ alg: "RS384", kid: "ec-key-1" }), /cannot be used with RS384/],
  ])("refuses %s with invalid_client", async (_what, make, description) => {
    const response = await requestToken(make());
    expect(response.status).toBe(401);
    expect(response.json.error).toBe("invalid_client");
    expect(response.json.error_description).toMatch(description);
    expect(response.json.access_token).toBeUndefined();
  });

  it("refuses a jti used before, even with a fresh signature", async () => {
    const jti = randomUUID();
    expect((await requestToken(assertion({ jti }))).status).toBe(200);
    const replay = await requestToken(assertion({ jti }));
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({
      error: "invalid_client",
      error_description: "client_assertion: jti was already used",
    });
  });

  it("answers OAuth errors for a wrong grant type, a wrong assertion type and a missing assertion", async () => {
    const grant = await requestToken(assertion(), { grant_type: "password" });
    expect(grant.status).toBe(400);
    expect(grant.json.error).toBe("unsupported_grant_type");
    const type = await requestToken(assertion(), { client_assertion_type: "urn:example:other" });
    expect(type.status).toBe(400);
    expect(type.json.error).toBe("invalid_request");
    const missing = await postForm(baseUrl, "/v2/auth/token", { grant_type: "client_credentials" });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe("invalid_request");
    const otherClient = await requestToken(assertion(), { client_id: "someone-else" });
    expect(otherClient.status).toBe(401);
    expect(otherClient.json.error_description).toBe("client_id: does not match the assertion's iss");
    expect((await requestToken(assertion(), { client_id: tenant.apiKey })).status).toBe(200);
    const garbage = await requestToken("not.a.jwt");
    expect(garbage.status).toBe(400);
    expect(garbage.json.error).toBe("invalid_request");
  });

  it("refuses an assertion from a disabled source", async () => {
    const other = await createTenant(conduit.ctx.db);
    await conduit.ctx.db.source.update({ where: { id: other.sourceId }, data: { disabledAt: new Date() } });
    const response = await requestToken(assertion({ iss: other.apiKey, sub: other.apiKey }));
    expect(response.status).toBe(401);
  });
});

describe("access tokens", () => {
  it("answers 401 for an expired access token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign(
      { sub: tenant.sourceId, org: tenant.orgId, kind: "source", iat: now - 400, exp: now - 100 },
      env.config.JWT_SECRET!,
      { algorithm: "HS256", issuer: "conduit", audience: "conduit-api" },
    );
    expect(await tokenWorks(expired)).toBe(401);
    const client = new ApiClient(baseUrl);
    client.token = expired;
    const response = await client.request("GET", `/messages/${randomUUID()}`);
    expect(response.json.Meta.Errors[0].Text).toMatch(/invalid or expired/);
  });

  it("keeps the legacy POST /auth/authenticate working", async () => {
    const client = new ApiClient(baseUrl);
    await client.authenticate(tenant.apiKey, tenant.secret);
    expect(await tokenWorks(client.token!)).toBe(404);
  });

  it("gives an administrator a token for the configuration API that does not open the source routes", async () => {
    const org = await createOrganization(baseUrl, operatorToken, "Admin Org");
    expect((await org.admin.request("GET", "/config/sources")).status).toBe(200);
    // Administrators read message status (support, the dashboard) but cannot send as an app.
    expect((await org.admin.request("POST", "/endpoint", { Meta: {} })).status).toBe(401);
    expect(await tokenWorks(org.admin.token!)).toBe(404);
    const wrong = await postForm(baseUrl, "/v2/auth/token", {
      grant_type: "client_credentials",
      client_id: org.clientId,
      client_secret: "wrong",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe("invalid_client");
    const basic = await postForm(
      baseUrl,
      "/v2/auth/token",
      { grant_type: "client_credentials" },
      { authorization: `Basic ${Buffer.from(`${org.clientId}:${org.clientSecret}`).toString("base64")}` },
    );
    expect(basic.status).toBe(200);
    // A source's token does not open the configuration API.
    const source = await requestToken(assertion());
    const asSource = new ApiClient(baseUrl);
    asSource.token = source.json.access_token;
    expect((await asSource.request("GET", "/config/sources")).status).toBe(401);
  });
});

describe("keys published at a JWKS URL", () => {
  let server: Server;
  let published: object[] = [];
  let fetches = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    await conduit.ctx.db.source.update({ where: { id: tenant.sourceId }, data: { jwksUrl: url } });
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it("fetches the set, caches it, and follows a key rotation", async () => {
    const first = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const second = generateKeyPairSync("ec", { namedCurve: "P-384" });
    published = [{ ...first.publicKey.export({ format: "jwk" }), kid: "jwks-1", use: "sig", alg: "RS384" }];

    expect((await requestToken(assertion({ kid: "jwks-1", key: first.privateKey }))).status).toBe(200);
    expect((await requestToken(assertion({ kid: "jwks-1", key: first.privateKey }))).status).toBe(200);
    expect(fetches).toBe(1);

    // The client rotates: the set now holds only the new key. An unknown kid refetches (at most once a second).
    published = [{ ...second.publicKey.export({ format: "jwk" }), kid: "jwks-2", use: "sig", alg: "ES384" }];
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const rotated = await requestToken(assertion({ alg: "ES384", kid: "jwks-2", key: second.privateKey }));
    expect(rotated.status).toBe(200);
    expect(fetches).toBe(2);
    const old = await requestToken(assertion({ kid: "jwks-1", key: first.privateKey }));
    expect(old.status).toBe(401);
    expect(old.json.error_description).toMatch(/no key with kid "jwks-1"/);
  });
});
