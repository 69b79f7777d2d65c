import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecret, hashSecret } from "../src/auth/secret-hash.js";
import { maxFailedSignIns } from "../src/dashboard/sign-in-throttle.js";
import { narrativeToHtml } from "../src/dashboard/narrative-html.js";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { BeaconServer, seedDashboard, tinyPdf, type DashboardSeed } from "./support/dashboard-seed.js";
import { WebhookReceiver } from "./support/peers.js";
import { createTestEnv, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let base: string;
let seed: DashboardSeed;
let beacon: BeaconServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  env = await createTestEnv();
  conduit = await initConduit(env.config, { api: true, worker: false, migrate: false });
  base = `http://127.0.0.1:${conduit.port}`;
  beacon = new BeaconServer();
  await beacon.start();
  receiver = new WebhookReceiver();
  const webhookUrl = await receiver.start();
  seed = await seedDashboard(conduit.ctx, { webhookUrl, beaconUrl: `http://127.0.0.1:${beacon.port}` });
});

afterAll(async () => {
  await conduit?.close();
  await beacon?.stop();
  await receiver?.stop();
  await env?.cleanup();
});

async function signIn(clientId = seed.clientId, clientSecret = seed.clientSecret) {
  return fetch(`${base}/dashboard/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, next: "/dashboard/messages" }),
  });
}

async function session(): Promise<string> {
  const response = await signIn();
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

const get = (path: string, cookie?: string) =>
  fetch(base + path, { redirect: "manual", headers: cookie ? { cookie } : {} });

describe("signing in to the dashboard", () => {
  it("sends a visitor without a session to the sign-in form", async () => {
    const response = await get("/dashboard/messages?status=failed");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(
      `/dashboard/login?next=${encodeURIComponent("/dashboard/messages?status=failed")}`,
    );
    const form = await get("/dashboard/login");
    expect(form.status).toBe(200);
    expect(form.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await form.text()).toContain('name="client_secret"');
  });

  it("refuses a wrong secret and an unknown client id alike", async () => {
    const wrong = await signIn(seed.clientId, "not-the-secret");
    const unknown = await signIn("no-such-client", "whatever");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("starts an HttpOnly, SameSite=Strict session with the admin's client id and secret", async () => {
    const response = await signIn();
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/dashboard/messages");
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^conduit_dashboard=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/dashboard");
  });

  it("does not take the session cookie as an API token, nor an API token as a session", async () => {
    const cookie = await session();
    const api = await fetch(`${base}/messages/${seed.deliveredId}`, {
      headers: { authorization: `Bearer ${cookie.split("=")[1]}` },
    });
    expect(api.status).toBe(401);
  });

  it("refuses sign-in after too many wrong secrets for a client id, even with the right one", async () => {
    const clientId = randomUUID();
    const clientSecret = generateSecret();
    await conduit.ctx.db.adminCredential.create({
      data: { orgId: seed.orgId, name: "Guessed at", clientId, secretHash: await hashSecret(clientSecret) },
    });
    for (let attempt = 0; attempt < maxFailedSignIns.client; attempt++) {
      expect((await signIn(clientId, `guess-${attempt}`)).status).toBe(401);
    }
    const blocked = await signIn(clientId, clientSecret);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("set-cookie")).toBeNull();
    expect((await signIn()).status).toBe(303);
  });

  it("refuses a form posted from another site", async () => {
    const response = await fetch(`${base}/dashboard/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ client_id: seed.clientId, client_secret: seed.clientSecret }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a form POST without the session's CSRF token", async () => {
    const cookie = await session();
    const replay = await fetch(`${base}/dashboard/deliveries/${seed.deadDeliveryId}/replay`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: "guessed" }),
    });
    expect(replay.status).toBe(403);
    const row = await conduit.ctx.db.webhookDelivery.findUniqueOrThrow({ where: { id: seed.deadDeliveryId } });
    expect(row.status).toBe("dead");
  });
});

describe("what a signed-in administrator sees", () => {
  it("lists the organization's messages with their states, and never another organization's", async () => {
    const cookie = await session();
    const response = await get("/dashboard/messages", cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    const page = await response.text();
    expect(page).toContain(`data-message-id="${seed.deliveredId}"`);
    expect(page).toContain(`data-message-id="${seed.failedId}"`);
    expect(page).not.toContain(seed.foreignId);
    expect(page).not.toContain("secret-recipient@direct.other.test");
    const failedOnly = await (await get("/dashboard/messages?status=failed", cookie)).text();
    expect(failedOnly).toContain(seed.failedId);
    expect(failedOnly).not.toContain(`data-message-id="${seed.deliveredId}"`);
    const search = await (await get("/dashboard/messages?q=unknown-hisp", cookie)).text();
    expect(search).toContain(seed.failedId);
    expect(search).not.toContain(`data-message-id="${seed.deliveredId}"`);
  });

  it("records who opened a message, once per while: not each of the page's live refreshes", async () => {
    const cookie = await session();
    const reads = () => conduit.ctx.db.auditEvent.count({ where: { action: "message.read", targetId: seed.pdfId } });
    const before = await reads();
    expect((await get(`/dashboard/messages/${seed.pdfId}`, cookie)).status).toBe(200);
    expect(await reads()).toBe(before + 1);
    const live = await get(`/dashboard/messages/${seed.pdfId}`, cookie);
    expect(live.status).toBe(200);
    expect((await get(`/dashboard/messages/${seed.pdfId}/documents/0/file`, cookie)).status).toBe(200);
    expect(await reads()).toBe(before + 1);
  });

  it("answers 404 for another organization's message, its document and its file", async () => {
    const cookie = await session();
    for (const path of [
      `/dashboard/messages/${seed.foreignId}`,
      `/dashboard/messages/${seed.foreignId}/documents/0`,
      `/dashboard/messages/${seed.foreignId}/documents/0/file`,
      `/dashboard/messages/not-a-uuid`,
    ]) {
      const response = await get(path, cookie);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain("secret-recipient");
    }
  });

  it("escapes every value and serves documents under a policy that loads and runs nothing", async () => {
    const cookie = await session();
    const page = await (await get(`/dashboard/messages/${seed.hostileId}`, cookie)).text();
    expect(page).toContain(`sandbox title="Clinical document"`);
    const document = await get(`/dashboard/messages/${seed.hostileId}/documents/0`, cookie);
    expect(document.status).toBe(200);
    expect(document.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
    );
    const body = await document.text();
    expect(body).toContain("Hostile narrative follows.");
    expect(body).toContain("Bold but harmless");
    // Only as escaped text, never as markup: no element that runs or loads, no handler, style, src or href.
    expect(body).not.toMatch(/<(script|img|iframe|object|embed|svg|a|link)\b/i);
    expect(body).not.toMatch(/<[^>]*\s(on\w+|style|src|href)\s*=/i);
    expect(body).toContain("Eve&lt;img");
  });

  it("serves a PDF attachment inline with its own type, and other files only as downloads", async () => {
    const cookie = await session();
    const pdf = await get(`/dashboard/messages/${seed.pdfId}/documents/0/file`, cookie);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toMatch(/^inline; filename="referral-letter.pdf"/);
    expect(pdf.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await pdf.arrayBuffer()).equals(tinyPdf)).toBe(true);
    const download = await get(`/dashboard/messages/${seed.pdfId}/documents/0/file?download=1`, cookie);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(download.headers.get("content-security-policy")).toContain("sandbox");
  });

  it("shows connections, certificates with expiry warnings, the directory and the queues", async () => {
    const cookie = await session();
    const connections = await (await get("/dashboard/connections", cookie)).text();
    expect(connections).toContain("EHR intake");
    expect(connections).toContain("1 dead");
    expect(connections).toContain(`data-delivery-id="${seed.deadDeliveryId}"`);
    const certificates = await (await get("/dashboard/certificates", cookie)).text();
    expect(certificates).toMatch(/expires in 1[12] d/);
    expect(certificates).toContain("1 certificate(s) expired or expiring within 30 days");
    const directory = await (await get("/dashboard/directory?q=slate", cookie)).text();
    expect(directory).toContain("1234567893");
    expect(directory).not.toContain("1245319599");
    const queues = await (await get("/dashboard/queues", cookie)).text();
    expect(queues).toContain('data-queue="webhooks"');
  });
});

describe("the narrative allow-list on its own", () => {
  it("keeps text, tables, lists and emphasis, and drops script, handlers, links, images and styles", () => {
    const clean = narrativeToHtml(
      `<paragraph styleCode="Bold Xyz">Hi</paragraph><list listType="ordered"><item>one</item></list>` +
        `<table border="1"><tr><td colspan="2" onclick="x()">c</td></tr></table>` +
        `<script>alert(1)</script><style>body{}</style><img src="http://x/y.png" onerror="alert(2)">` +
        `<a href="http://x/">link text</a><svg><script>alert(3)</script></svg>` +
        `<content styleCode="Italics" style="background:url(http://x/)">it</content>`,
    ).value;
    expect(clean).toBe(
      `<p class="b">Hi</p><ol><li>one</li></ol><table><tr><td colspan="2">c</td></tr></table>` +
        `link text<span class="i">it</span>`,
    );
  });
});
