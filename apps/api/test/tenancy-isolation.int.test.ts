import { generateKeyPairSync, randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { createOrganization, testOperatorToken, type TestOrganization } from "./support/admin.js";
import { makeTestCertificates, type TestCertificates } from "./support/certs.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let baseUrl: string;
let certs: TestCertificates;
const operatorToken = testOperatorToken();

interface World {
  org: TestOrganization;
  sourceId: string;
  keyId: string;
  destinationId: string;
  addressId: string;
  certificateId: string;
  adminId: string;
  messageId: string;
  webhookId: string;
  webhookSubscriptionId: string;
  deliveryId: string;
  /** The organization's app, signed in. */
  app: ApiClient;
}

let a: World;
let b: World;

const NPI_B = "1234567893";

async function build(name: string, domain: string): Promise<World> {
  const org = await createOrganization(baseUrl, operatorToken, name);
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await org.admin.request(method, route, body);
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${response.text}`);
    return response.json;
  };
  const source = await call("POST", "/config/sources", { name: `${name} app` });
  const key = await call("POST", `/config/sources/${source.id}/keys`, {
    kid: "k1",
    alg: "ES384",
    jwk: generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({ format: "jwk" }),
  });
  const destination = await call("POST", "/config/destinations", {
    name: `${name} files`,
    adapter: "file",
    settings: { directory: path.join(env.varDir, `outbox-${domain}`) },
    secrets: { token: `${name}-secret` },
    directAddressFrom: `sender@${domain}`,
  });
  await call("PUT", `/config/sources/${source.id}/subscriptions/${destination.id}`, {
    dataModels: ["Clinical Summary", "Media"],
  });
  const address = await call("POST", "/config/direct-addresses", { address: `sender@${domain}`, kind: "organization" });
  const certificate = await call("POST", "/config/certificates", {
    use: "anchor",
    scope: domain,
    format: "pem",
    data: certs.anchorPem,
  });
  const admin = await call("POST", "/config/admins", { name: "Second admin" });
  const app = new ApiClient(baseUrl);
  await app.authenticate(source.clientId, source.secret);
  const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.Meta.Destinations = [{ ID: destination.id }];
  const sent = await app.request("POST", "/endpoint", payload);
  if (sent.status !== 200) throw new Error(`send: ${sent.status} ${sent.text}`);
  const messageId = sent.json.Meta.Logs[0].ID;
  // Webhook destinations are made in the database: registering one through the API verifies a live endpoint.
  const webhook = await conduit.ctx.db.webhookDestination.create({
    data: {
      orgId: org.orgId,
      name: `${name} webhook`,
      url: `https://hooks.${domain}/inbound`,
      verificationTokenEncrypted: conduit.ctx.secrets.seal("verification-token"),
      verifiedAt: new Date(),
      subscriptions: { create: [{ kind: "content", dataModels: ["*"] }] },
    },
    include: { subscriptions: true },
  });
  const delivery = await conduit.ctx.db.webhookDelivery.create({
    data: {
      webhookDestinationId: webhook.id,
      subscriptionId: webhook.subscriptions[0]!.id,
      messageId,
      status: "dead",
    },
  });
  return {
    org,
    sourceId: source.id,
    keyId: key.id,
    destinationId: destination.id,
    addressId: address.id,
    certificateId: certificate.certificates[0].id,
    adminId: admin.id,
    messageId,
    webhookId: webhook.id,
    webhookSubscriptionId: webhook.subscriptions[0]!.id,
    deliveryId: delivery.id,
    app,
  };
}

beforeAll(async () => {
  env = await createTestEnv({ OPERATOR_TOKEN: operatorToken });
  conduit = await initConduit(env.config, { api: true, worker: false, migrate: false });
  baseUrl = `http://127.0.0.1:${conduit.port}`;
  certs = await makeTestCertificates("jane@direct.b.example", 365);
  a = await build("Org A", "direct.a.example");
  b = await build("Org B", "direct.b.example");
  const importB = await b.org.admin.request("POST", "/directory/imports", {
    list: "nppes",
    format: "nppes",
    data: `"NPI","Endpoint Type","Endpoint Type Description","Endpoint","Affiliation","Endpoint Description","Affiliation Legal Business Name"\n"${NPI_B}","DIRECT","Direct Messaging Address","dr.b@direct.b.example","Y","","Org B Clinic"\n`,
  });
  expect(importB.status).toBe(200);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
  await certs?.cleanup();
});

/** Every route that takes an id, called by A's administrator with B's ids. */
function adminRoutes(): [string, string, unknown?][] {
  return [
    ["GET", `/config/sources/${b.sourceId}`],
    ["PATCH", `/config/sources/${b.sourceId}`, { name: "taken over" }],
    ["POST", `/config/sources/${b.sourceId}/disable`],
    ["POST", `/config/sources/${b.sourceId}/enable`],
    ["POST", `/config/sources/${b.sourceId}/secret`],
    ["GET", `/config/sources/${b.sourceId}/keys`],
    ["POST", `/config/sources/${b.sourceId}/keys`, { kid: "evil", alg: "ES384", jwk: { kty: "EC" } }],
    ["DELETE", `/config/sources/${b.sourceId}/keys/${b.keyId}`],
    ["DELETE", `/config/sources/${a.sourceId}/keys/${b.keyId}`],
    ["GET", `/config/sources/${b.sourceId}/subscriptions`],
    ["PUT", `/config/sources/${b.sourceId}/subscriptions/${a.destinationId}`, { dataModels: ["Media"] }],
    ["PUT", `/config/sources/${a.sourceId}/subscriptions/${b.destinationId}`, { dataModels: ["Media"] }],
    ["DELETE", `/config/sources/${b.sourceId}/subscriptions/${b.destinationId}`],
    ["DELETE", `/config/sources/${a.sourceId}/subscriptions/${b.destinationId}`],
    ["GET", `/config/destinations/${b.destinationId}`],
    ["PATCH", `/config/destinations/${b.destinationId}`, { name: "taken over" }],
    ["POST", `/config/destinations/${b.destinationId}/disable`],
    ["POST", `/config/destinations/${b.destinationId}/enable`],
    ["GET", `/config/direct-addresses/${b.addressId}`],
    ["PATCH", `/config/direct-addresses/${b.addressId}`, { kind: "machine" }],
    ["POST", `/config/direct-addresses/${b.addressId}/disable`],
    ["POST", `/config/direct-addresses/${b.addressId}/enable`],
    ["GET", `/config/certificates/${b.certificateId}`],
    ["POST", `/config/certificates/${b.certificateId}/disable`],
    ["POST", `/config/certificates/${b.certificateId}/enable`],
    ["POST", `/config/admins/${b.adminId}/disable`],
    ["GET", `/webhooks/${b.webhookId}`],
    ["PATCH", `/webhooks/${b.webhookId}`, { name: "taken over" }],
    ["PATCH", `/webhooks/${b.webhookId}`, { disabled: true }],
    ["POST", `/webhooks/${b.webhookId}/subscriptions`, { kind: "content", dataModels: ["*"] }],
    ["DELETE", `/webhooks/${b.webhookId}/subscriptions/${b.webhookSubscriptionId}`],
    ["DELETE", `/webhooks/${a.webhookId}/subscriptions/${b.webhookSubscriptionId}`],
    ["POST", `/webhooks/deliveries/${b.deliveryId}/replay`],
  ];
}

describe("organization A and organization B's objects", () => {
  it("answers 404 on every configuration route for B's ids, exactly as for ids that do not exist", async () => {
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThan(20);
    const ids = [
      b.sourceId,
      b.keyId,
      b.destinationId,
      b.addressId,
      b.certificateId,
      b.adminId,
      b.webhookId,
      b.webhookSubscriptionId,
      b.deliveryId,
    ];
    for (const [method, route, body] of routes) {
      const response = await a.org.admin.request(method, route, body);
      expect(response.status, `${method} ${route}`).toBe(404);
      // The same answer as for an id nobody has: B's ids are not confirmed to exist.
      let unknownRoute = route;
      for (const id of ids) unknownRoute = unknownRoute.replaceAll(id, "00000000-0000-4000-8000-000000000000");
      const unknown = await a.org.admin.request(method, unknownRoute, body);
      expect(unknown.status, `${method} ${unknownRoute}`).toBe(404);
      expect(response.json.Meta.Errors[0].Text.replace(/[0-9a-f-]{36}/g, "<id>")).toBe(
        unknown.json.Meta.Errors[0].Text.replace(/[0-9a-f-]{36}/g, "<id>"),
      );
    }
  });

  it("left every one of B's objects as it was", async () => {
    const db = conduit.ctx.db;
    const source = await db.source.findUniqueOrThrow({ where: { id: b.sourceId } });
    expect(source).toMatchObject({ name: "Org B app", disabledAt: null });
    expect(await db.sourceKey.findUniqueOrThrow({ where: { id: b.keyId } })).toMatchObject({ disabledAt: null });
    expect(await db.subscription.count({ where: { sourceId: b.sourceId, destinationId: b.destinationId } })).toBe(2);
    expect(await db.subscription.count({ where: { sourceId: a.sourceId, destinationId: b.destinationId } })).toBe(0);
    expect(await db.destination.findUniqueOrThrow({ where: { id: b.destinationId } })).toMatchObject({
      name: "Org B files",
      disabledAt: null,
    });
    expect(await db.directAddress.findUniqueOrThrow({ where: { id: b.addressId } })).toMatchObject({
      kind: "organization",
      disabledAt: null,
    });
    expect(await db.certificate.findUniqueOrThrow({ where: { id: b.certificateId } })).toMatchObject({
      disabledAt: null,
    });
    expect(await db.adminCredential.findUniqueOrThrow({ where: { id: b.adminId } })).toMatchObject({
      disabledAt: null,
    });
    expect(await db.webhookDestination.findUniqueOrThrow({ where: { id: b.webhookId } })).toMatchObject({
      name: "Org B webhook",
      disabledAt: null,
    });
    expect(await db.webhookSubscription.findUniqueOrThrow({ where: { id: b.webhookSubscriptionId } })).toMatchObject({
      disabledAt: null,
    });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: b.deliveryId } })).toMatchObject({
      status: "dead",
    });
    // B's app still signs in with its secret (A could not rotate it).
    expect((await b.app.request("GET", `/messages/${b.messageId}`)).status).toBe(200);
  });

  it("lists only A's own objects", async () => {
    const lists: [string, string][] = [
      ["/config/sources", "sources"],
      ["/config/destinations", "destinations"],
      ["/config/direct-addresses", "directAddresses"],
      ["/config/certificates", "certificates"],
      ["/config/admins", "admins"],
      ["/config/audit?limit=1000", "events"],
      ["/webhooks", "webhooks"],
      ["/webhooks/deliveries?limit=500", "deliveries"],
    ];
    const bIds = [
      b.sourceId,
      b.destinationId,
      b.addressId,
      b.certificateId,
      b.adminId,
      b.keyId,
      b.messageId,
      b.webhookId,
      b.deliveryId,
    ];
    for (const [route, field] of lists) {
      const response = await a.org.admin.request("GET", route);
      expect(response.status, route).toBe(200);
      expect(response.json[field].length, route).toBeGreaterThan(0);
      for (const id of bIds) expect(response.text, `${route} shows ${id}`).not.toContain(id);
    }
    const directory = await a.app.request("GET", `/directory?npi=${NPI_B}`);
    expect(directory.status).toBe(200);
    expect(directory.json.entries).toEqual([]);
  });

  it("does not let A's app read B's message or send through B's destination", async () => {
    expect((await a.app.request("GET", `/messages/${b.messageId}`)).status).toBe(404);
    const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.Meta.Destinations = [{ ID: b.destinationId }];
    const sent = await a.app.request("POST", "/endpoint", payload);
    // Redox's own answer for a destination the source may not send to: 400, Module "Send", naming the field.
    expect(sent.status).toBe(400);
    expect(sent.json.Meta.Errors[0].Text).toMatch(/^Meta\.Destinations\[0\]\.ID: No subscriptions/);
    expect(await conduit.ctx.db.message.count({ where: { destinationId: b.destinationId } })).toBe(1);
  });

  it("does not address A's message from B's directory", async () => {
    const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.Meta.Destinations = [{ ID: a.destinationId }];
    delete payload.Header.DirectAddressTo;
    payload.Meta.Extensions = { "recipient-npi": { string: NPI_B } };
    const sent = await a.app.request("POST", "/endpoint", payload);
    expect(sent.status).toBe(400);
    expect(sent.json.Meta.Errors[0].Text).toMatch(/^Meta\.Extensions\.recipient-npi: no Direct address for NPI/);
  });

  it("does not let A send as B's Direct address", async () => {
    const response = await a.org.admin.request("POST", "/config/destinations", {
      name: "Spoof",
      adapter: "file",
      directAddressFrom: "sender@direct.b.example",
    });
    expect(response.status).toBe(400);
    expect(response.json.Meta.Errors[0].Text).toMatch(/^directAddressFrom: .* is not one of this organization's/);
  });

  it("refuses the administrators and apps of a disabled organization", async () => {
    const operator = new ApiClient(baseUrl);
    operator.token = operatorToken;
    const c = await createOrganization(baseUrl, operatorToken, "Org C");
    expect((await c.admin.request("GET", "/config/sources")).status).toBe(200);
    const source = (await c.admin.request("POST", "/config/sources", { name: "C app" })).json;
    const app = new ApiClient(baseUrl);
    await app.authenticate(source.clientId, source.secret);
    expect((await app.request("GET", "/directory?npi=1234567893")).status).toBe(200);
    expect((await operator.request("POST", `/operator/organizations/${c.orgId}/disable`)).status).toBe(204);
    expect((await c.admin.request("GET", "/config/sources")).status).toBe(401);
    expect((await app.request("GET", "/directory?npi=1234567893")).status).toBe(401);
    expect((await operator.request("POST", `/operator/organizations/${randomUUID()}/disable`)).status).toBe(404);
  });
});
