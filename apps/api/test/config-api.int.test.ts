import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import jwt from "jsonwebtoken";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { createOrganization, postForm, testOperatorToken, type TestOrganization } from "./support/admin.js";
import { makeTestCertificates, type TestCertificates } from "./support/certs.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let baseUrl: string;
let org: TestOrganization;
let certs: TestCertificates;
const operatorToken = testOperatorToken();
/** Every log line Conduit writes during this file, to prove no secret reaches one. */
const logLines: string[] = [];
/** Every response body this file receives from the configuration API. */
const responses: string[] = [];

const destinationPassword = `smtp-password-${randomUUID()}`;
const assertionSecret = `hs384-secret-${randomUUID()}-${randomUUID()}`;

beforeAll(async () => {
  env = await createTestEnv({ OPERATOR_TOKEN: operatorToken });
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  conduit = await initConduit(
    env.config,
    { api: true, worker: true, migrate: false },
    { logger: pino({ level: "trace" }, sink) },
  );
  baseUrl = `http://127.0.0.1:${conduit.port}`;
  org = await createOrganization(baseUrl, operatorToken, "Config Org");
  certs = await makeTestCertificates("jane@direct.config.example", 10);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
  await certs?.cleanup();
});

async function call(method: string, route: string, body?: unknown) {
  const response = await org.admin.request(method, route, body);
  responses.push(response.text);
  return response;
}

const texts = (response: { json: { Meta?: { Errors?: { Text: string }[] } } }) =>
  (response.json.Meta?.Errors ?? []).map((error) => error.Text);

describe("operator", () => {
  it("refuses organization creation without the operator token", async () => {
    const anonymous = new ApiClient(baseUrl);
    expect((await anonymous.request("POST", "/operator/organizations", { name: "X" })).status).toBe(401);
    anonymous.token = "not-the-operator-token-at-all-no-no-no";
    expect((await anonymous.request("POST", "/operator/organizations", { name: "X" })).status).toBe(401);
  });

  it("creates an organization with an administrator whose secret is shown once", async () => {
    const operator = new ApiClient(baseUrl);
    operator.token = operatorToken;
    const created = await operator.request("POST", "/operator/organizations", { name: "Another Org" });
    expect(created.status).toBe(201);
    expect(created.json.admin).toMatchObject({
      clientId: expect.stringMatching(/^admin-/),
      clientSecret: expect.any(String),
    });
    const stored = await conduit.ctx.db.adminCredential.findUniqueOrThrow({ where: { id: created.json.admin.id } });
    expect(stored.secretHash).not.toContain(created.json.admin.clientSecret);
    const bad = await operator.request("POST", "/operator/organizations", { name: "" });
    expect(bad.status).toBe(400);
    expect(texts(bad)[0]).toMatch(/^name: /);
  });
});

describe("sources and their keys", () => {
  it("creates, reads, updates, disables and enables a source; the legacy secret is shown only at creation", async () => {
    const created = await call("POST", "/config/sources", { name: "EHR app", rateLimit: 500 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: "EHR app",
      clientId: expect.any(String),
      rateLimit: 500,
      secret: expect.any(String),
    });
    const id = created.json.id;

    const read = await call("GET", `/config/sources/${id}`);
    expect(read.status).toBe(200);
    expect(read.json.secret).toBeUndefined();
    expect(read.text).not.toContain(created.json.secret);

    const patched = await call("PATCH", `/config/sources/${id}`, { name: "EHR app v2", assertionSecret });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: "EHR app v2", hasAssertionSecret: true });
    expect(patched.text).not.toContain(assertionSecret);
    const stored = await conduit.ctx.db.source.findUniqueOrThrow({ where: { id } });
    expect(stored.assertionSecretEncrypted).not.toContain(assertionSecret);
    expect(conduit.ctx.secrets.open(stored.assertionSecretEncrypted!)).toBe(assertionSecret);

    const list = await call("GET", "/config/sources");
    expect(list.json.sources.map((s: { id: string }) => s.id)).toContain(id);

    const app = new ApiClient(baseUrl);
    await app.authenticate(created.json.clientId, created.json.secret);
    expect((await call("POST", `/config/sources/${id}/disable`)).json.disabledAt).not.toBeNull();
    await expect(app.authenticate(created.json.clientId, created.json.secret)).rejects.toThrow(/401/);
    expect((await call("POST", `/config/sources/${id}/enable`)).json.disabledAt).toBeNull();
    await app.authenticate(created.json.clientId, created.json.secret);

    const rotated = await call("POST", `/config/sources/${id}/secret`);
    await expect(app.authenticate(created.json.clientId, created.json.secret)).rejects.toThrow(/401/);
    await app.authenticate(created.json.clientId, rotated.json.secret);
  });

  it("registers public keys as JWK or PEM, refuses a duplicate kid and a key that does not fit the algorithm", async () => {
    const source = (await call("POST", "/config/sources", { name: "Keyed app" })).json;
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const jwkKey = await call("POST", `/config/sources/${source.id}/keys`, {
      kid: "k1",
      alg: "RS384",
      jwk: rsa.publicKey.export({ format: "jwk" }),
    });
    expect(jwkKey.status).toBe(201);
    expect(jwkKey.json.jwk).toMatchObject({ kty: "RSA", kid: "k1", alg: "RS384" });
    expect(jwkKey.json.jwk.d).toBeUndefined();
    const pemKey = await call("POST", `/config/sources/${source.id}/keys`, {
      kid: "k2",
      alg: "ES384",
      publicKeyPem: ec.publicKey.export({ format: "pem", type: "spki" }),
    });
    expect(pemKey.status).toBe(201);
    const duplicate = await call("POST", `/config/sources/${source.id}/keys`, {
      kid: "k1",
      alg: "RS384",
      jwk: rsa.publicKey.export({ format: "jwk" }),
    });
    expect(duplicate.status).toBe(409);
    expect(texts(duplicate)[0]).toMatch(/^kid: /);
    const mismatch = await call("POST", `/config/sources/${source.id}/keys`, {
      kid: "k3",
      alg: "ES384",
      jwk: rsa.publicKey.export({ format: "jwk" }),
    });
    expect(mismatch.status).toBe(400);
    expect(texts(mismatch)[0]).toMatch(/^jwk: ES384 needs an EC key on P-384/);
    const missing = await call("POST", `/config/sources/${source.id}/keys`, { alg: "RS384" });
    expect(missing.status).toBe(400);
    expect(texts(missing).join("\n")).toMatch(/^kid: /m);

    const keys = await call("GET", `/config/sources/${source.id}/keys`);
    expect(keys.json.keys.map((k: { kid: string }) => k.kid)).toEqual(["k1", "k2"]);
    expect((await call("DELETE", `/config/sources/${source.id}/keys/${jwkKey.json.id}`)).status).toBe(204);
    const after = await call("GET", `/config/sources/${source.id}/keys`);
    expect(after.json.keys.find((k: { kid: string }) => k.kid === "k1").disabledAt).not.toBeNull();
  });
});

describe("destinations", () => {
  it("keeps secrets write-only: sealed at rest, named but never returned", async () => {
    const created = await call("POST", "/config/destinations", {
      name: "Acme HISP",
      adapter: "smtp-edge",
      settings: { host: "smtp.acme.example", port: 587, user: "conduit" },
      secrets: { password: destinationPassword },
      directAddressFrom: "Sender@Direct.Config.Example",
      peerOptions: { "direct.legacy.example": { keyTransport: "rsa-pkcs1-v1_5" } },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      adapter: "smtp-edge",
      secretNames: ["password"],
      directAddressFrom: "sender@direct.config.example",
      peerOptions: { "direct.legacy.example": { keyTransport: "rsa-pkcs1-v1_5" } },
    });
    expect(created.text).not.toContain(destinationPassword);
    const stored = await conduit.ctx.db.destination.findUniqueOrThrow({ where: { id: created.json.id } });
    expect(stored.secretsEncrypted).not.toContain(destinationPassword);
    expect(JSON.stringify(stored.settings)).not.toContain(destinationPassword);

    const patched = await call("PATCH", `/config/destinations/${created.json.id}`, {
      secrets: { apiToken: "token-value-1234", password: null },
      name: "Acme HISP (prod)",
    });
    expect(patched.json).toMatchObject({ name: "Acme HISP (prod)", secretNames: ["apiToken"] });
    const read = await call("GET", `/config/destinations/${created.json.id}`);
    expect(read.text).not.toContain("token-value-1234");
    expect((await call("GET", "/config/destinations")).text).not.toContain("token-value-1234");
    expect((await call("POST", `/config/destinations/${created.json.id}/disable`)).json.disabledAt).not.toBeNull();
  });

  it("refuses an unknown adapter, a malformed DirectAddressFrom and unknown fields, naming each field", async () => {
    const bad = await call("POST", "/config/destinations", {
      name: "Bad",
      adapter: "carrier-pigeon",
      directAddressFrom: "sender@direct.config.example",
    });
    expect(bad.status).toBe(400);
    expect(texts(bad)[0]).toMatch(/^adapter: unknown HISP adapter "carrier-pigeon"/);
    const address = await call("POST", "/config/destinations", {
      name: "Bad",
      adapter: "file",
      directAddressFrom: "not an address",
    });
    expect(address.status).toBe(400);
    expect(texts(address)[0]).toMatch(/^directAddressFrom: expected a Direct address/);
    const extra = await call("POST", "/config/destinations", {
      name: "Bad",
      adapter: "file",
      directAddressFrom: "sender@direct.config.example",
      password: "oops",
    });
    expect(extra.status).toBe(400);
    expect(texts(extra)[0]).toMatch(/unexpected field\(s\) password/);
    const secretInSettings = await call("POST", "/config/destinations", {
      name: "Bad",
      adapter: "smtp-edge",
      settings: { host: "smtp.acme.example", password: "oops" },
      directAddressFrom: "sender@direct.config.example",
    });
    expect(secretInSettings.status).toBe(400);
    expect(texts(secretInSettings)[0]).toMatch(/^settings\.password: looks like a secret; put it in "secrets"/);
  });

  it("lets an app configured entirely through the API send: source, key, destination, subscription, token, message", async () => {
    const source = (await call("POST", "/config/sources", { name: "Sending app" })).json;
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await call("POST", `/config/sources/${source.id}/keys`, {
      kid: "send-1",
      alg: "RS384",
      jwk: rsa.publicKey.export({ format: "jwk" }),
    });
    const outbox = path.join(env.varDir, "outbox-config");
    const destination = (
      await call("POST", "/config/destinations", {
        name: "Files",
        adapter: "file",
        settings: { directory: outbox },
        directAddressFrom: "sender@direct.config.example",
      })
    ).json;
    const subscribed = await call("PUT", `/config/sources/${source.id}/subscriptions/${destination.id}`, {
      dataModels: ["Clinical Summary"],
    });
    expect(subscribed.status).toBe(200);
    expect((await call("GET", `/config/sources/${source.id}/subscriptions`)).json.subscriptions).toEqual([
      { destinationId: destination.id, dataModels: ["Clinical Summary"] },
    ]);

    const now = Math.floor(Date.now() / 1000);
    const assertion = jwt.sign(
      {
        iss: source.clientId,
        sub: source.clientId,
        aud: `${baseUrl}/v2/auth/token`,
        exp: now + 120,
        jti: randomUUID(),
      },
      rsa.privateKey,
      { algorithm: "RS384", keyid: "send-1" },
    );
    const token = await postForm(baseUrl, "/v2/auth/token", {
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
    });
    expect(token.status).toBe(200);
    const app = new ApiClient(baseUrl);
    app.token = token.json.access_token;
    const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.Meta.Destinations = [{ ID: destination.id }];
    const sent = await app.request("POST", "/endpoint", payload);
    expect(sent.status).toBe(200);
    const id = sent.json.Meta.Logs[0].ID;
    await waitFor(async () =>
      (await app.request("GET", `/messages/${id}`)).json.status === "sent" ? true : undefined,
    );
    expect((await readFile(path.join(outbox, `${id}.eml`), "utf8")).length).toBeGreaterThan(100);

    // The read is in the audit log, with who read it.
    const audit = await waitFor(async () => {
      const events = (await call("GET", "/config/audit")).json.events as { action: string; target: { id: string } }[];
      return events.find((event) => event.action === "message.read" && event.target.id === id);
    });
    expect(audit).toMatchObject({ actor: { kind: "source", id: source.id } });

    expect((await call("DELETE", `/config/sources/${source.id}/subscriptions/${destination.id}`)).status).toBe(204);
    const refused = await app.request("POST", "/endpoint", payload);
    expect(refused.status).toBe(400);
    expect(texts(refused)[0]).toMatch(/No subscriptions/);
  });
});

describe("Direct addresses", () => {
  it("creates person, organization and machine addresses and whole domains; refuses bad syntax and duplicates", async () => {
    for (const [address, kind] of [
      ["jane@direct.config.example", "person"],
      ["records@direct.config.example", "organization"],
      ["intake-bot@direct.config.example", "machine"],
      ["@direct2.config.example", "organization"],
    ] as const) {
      const created = await call("POST", "/config/direct-addresses", {
        address,
        kind,
        displayName: `${kind} ${address}`,
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ address, kind });
    }
    const upper = await call("POST", "/config/direct-addresses", { address: "John.Doe@Direct.Config.Example" });
    expect(upper.json).toMatchObject({ address: "john.doe@direct.config.example", kind: "person" });

    for (const address of ["no-at-sign", "two@@direct.example", "jane@localhost", "@", "a b@direct.example"]) {
      const bad = await call("POST", "/config/direct-addresses", { address });
      expect(bad.status, address).toBe(400);
      expect(texts(bad)[0]).toMatch(/^address: expected a Direct address/);
    }
    const kind = await call("POST", "/config/direct-addresses", { address: "x@direct.config.example", kind: "robot" });
    expect(texts(kind)[0]).toMatch(/^kind: expected person, organization or machine/);
    const duplicate = await call("POST", "/config/direct-addresses", { address: "jane@direct.config.example" });
    expect(duplicate.status).toBe(409);

    const patched = await call("PATCH", `/config/direct-addresses/${upper.json.id}`, {
      kind: "machine",
      displayName: "John",
    });
    expect(patched.json).toMatchObject({ kind: "machine", displayName: "John" });
    const disabled = await call("POST", `/config/direct-addresses/${upper.json.id}/disable`);
    expect(disabled.json.disabledAt).not.toBeNull();
    const list = await call("GET", "/config/direct-addresses");
    expect(list.json.directAddresses).toHaveLength(5);
  });
});

describe("certificates and trust anchors", () => {
  it("parses PEM, DER, PKCS#7 and PKCS#12 uploads and shows subject, SAN and expiry; flags what expires within 30 days", async () => {
    const pem = await call("POST", "/config/certificates", {
      use: "anchor",
      scope: "direct.config.example",
      format: "pem",
      data: certs.anchorPem,
    });
    expect(pem.status).toBe(201);
    expect(pem.json.certificates).toHaveLength(1);
    expect(pem.json.certificates[0]).toMatchObject({
      use: "anchor",
      scope: "direct.config.example",
      subject: "CN=Test Anchor One, O=Conduit Tests",
      hasPrivateKey: false,
      expiresSoon: false,
      expired: false,
    });

    const der = await call("POST", "/config/certificates", {
      use: "anchor",
      scope: "@direct2.config.example",
      format: "der",
      data: certs.anchorDer.toString("base64"),
    });
    expect(der.status).toBe(201);
    expect(der.json.certificates[0]).toMatchObject({
      scope: "direct2.config.example",
      subject: "CN=Test Anchor One, O=Conduit Tests",
    });

    const bundle = await call("POST", "/config/certificates", {
      use: "anchor",
      scope: "direct.bundle.example",
      format: "pkcs7",
      data: certs.bundleP7b.toString("base64"),
    });
    expect(bundle.status).toBe(201);
    expect(bundle.json.certificates.map((c: { subject: string }) => c.subject).sort()).toEqual([
      "CN=Test Anchor One, O=Conduit Tests",
      "CN=Test Anchor Two, O=Conduit Tests",
    ]);

    const p12 = await call("POST", "/config/certificates", {
      use: "own",
      scope: "jane@direct.config.example",
      format: "pkcs12",
      data: certs.leafP12.toString("base64"),
      password: certs.p12Password,
    });
    expect(p12.status).toBe(201);
    const own = p12.json.certificates[0];
    const ownPem = (await call("GET", `/config/certificates/${own.id}`)).json.certificatePem as string;
    // The chain that came in the PKCS#12 is kept after the leaf, for signatures.
    expect(ownPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(own).toMatchObject({
      subject: "CN=jane@direct.config.example",
      subjectAltNames: ["email:jane@direct.config.example"],
      issuer: "CN=Test Anchor One, O=Conduit Tests",
      hasPrivateKey: true,
      expiresSoon: true,
      expired: false,
    });
    expect(p12.text).not.toMatch(/PRIVATE KEY/);
    expect(p12.text).not.toContain(certs.p12Password);
    const stored = await conduit.ctx.db.certificate.findUniqueOrThrow({ where: { id: own.id } });
    expect(stored.privateKeyEncrypted).not.toMatch(/PRIVATE KEY/);
    expect(conduit.ctx.secrets.open(stored.privateKeyEncrypted!)).toMatch(/BEGIN PRIVATE KEY/);

    const pemWithKey = await call("POST", "/config/certificates", {
      use: "own",
      scope: "direct.config.example",
      format: "pem",
      data: certs.leafPem,
      privateKey: certs.leafKeyPem,
    });
    expect(pemWithKey.status).toBe(201);
    expect(pemWithKey.text).not.toContain(certs.leafKeyPem.split("\n")[1]!);

    const soon = await call("GET", "/config/certificates?expiringSoon=true");
    expect(soon.json.certificates.map((c: { id: string }) => c.id)).toContain(own.id);
    expect(soon.json.certificates.every((c: { expiresSoon: boolean }) => c.expiresSoon)).toBe(true);
    const one = await call("GET", `/config/certificates/${own.id}`);
    expect(one.json.certificatePem).toMatch(/BEGIN CERTIFICATE/);
    expect(one.text).not.toMatch(/PRIVATE KEY/);
    expect((await call("POST", `/config/certificates/${own.id}/disable`)).json.disabledAt).not.toBeNull();
  });

  it("refuses unreadable uploads, a wrong PKCS#12 password and an own certificate without its key, naming the field", async () => {
    const garbage = await call("POST", "/config/certificates", {
      use: "anchor",
      scope: "direct.config.example",
      format: "der",
      data: "AAAA",
    });
    expect(garbage.status).toBe(400);
    expect(texts(garbage)[0]).toMatch(/^data: /);
    const wrongPassword = await call("POST", "/config/certificates", {
      use: "own",
      scope: "jane@direct.config.example",
      format: "pkcs12",
      data: certs.leafP12.toString("base64"),
      password: "wrong",
    });
    expect(wrongPassword.status).toBe(400);
    expect(texts(wrongPassword)[0]).toMatch(/^data: .*password/);
    const noKey = await call("POST", "/config/certificates", {
      use: "own",
      scope: "direct.config.example",
      format: "pem",
      data: certs.leafPem,
    });
    expect(noKey.status).toBe(400);
    expect(texts(noKey)[0]).toMatch(/^privateKey: required/);
    const wrongKey = await call("POST", "/config/certificates", {
      use: "own",
      scope: "direct.config.example",
      format: "pem",
      data: certs.anchorPem,
      privateKey: certs.leafKeyPem,
    });
    expect(wrongKey.status).toBe(400);
    expect(texts(wrongKey)[0]).toMatch(/^privateKey: /);
    const scope = await call("POST", "/config/certificates", {
      use: "anchor",
      scope: "not a domain",
      format: "pem",
      data: certs.anchorPem,
    });
    expect(texts(scope)[0]).toMatch(/^scope: /);
  });
});

describe("audit log and secrets", () => {
  it("records configuration changes with who and what, and never a secret value", async () => {
    const audit = await call("GET", "/config/audit?limit=500");
    expect(audit.status).toBe(200);
    const actions = new Set(audit.json.events.map((event: { action: string }) => event.action));
    for (const action of [
      "source.create",
      "source.update",
      "source.disable",
      "source_key.create",
      "destination.create",
      "destination.update",
      "direct_address.create",
      "certificate.create",
      "subscription.put",
    ]) {
      expect(actions, action).toContain(action);
    }
    const update = audit.json.events.find((event: { action: string }) => event.action === "destination.update");
    expect(update.actor).toEqual({ kind: "admin", id: expect.any(String) });
    expect(update.detail.secrets.sort()).toEqual(["apiToken", "password"]);
    expect(audit.text).not.toContain("token-value-1234");
    expect(audit.text).not.toContain(destinationPassword);
  });

  it("never writes a secret into a response or a log line", async () => {
    const everything = [...responses, ...logLines].join("\n");
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of [
      destinationPassword,
      "token-value-1234",
      assertionSecret,
      certs.p12Password,
      org.clientSecret,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/PRIVATE KEY/);
    expect(logLines.join("\n")).not.toContain(org.admin.token!);
  });
});
