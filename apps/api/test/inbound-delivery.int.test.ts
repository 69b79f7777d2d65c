import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { credentialsFromPem, issueCertificate } from "@conduit/direct-transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { adminToken } from "./support/admin-token.js";
import { certificateRow } from "./support/certificates.js";
import { fixturesDir } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { pemFiles, sealWithOpenssl } from "./support/openssl.js";
import { WebhookReceiver } from "./support/peers.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

const localDomain = "direct.conduit.test";
const recipient = `intake@${localDomain}`;
const sender = "referrer@sending-hisp.example";
// The Direct reference implementation's sample message: PKCS#1 v1.5, AES-128, SHA-1-signed certificates.
const referenceRecipient = "ryan@securehealthemail.com";
const referenceSender = "gm2552@securehealthemail.com";

let env: TestEnv;
let conduit: Conduit;
let tenant: TestTenant;
let admin: ApiClient;
let webhook: WebhookReceiver;
let senderFiles: { cert: string; key: string };
let conduitCertFile: string;

beforeAll(async () => {
  env = await createTestEnv({
    INBOUND_SMTP_PORT: "0",
    WEBHOOK_BACKOFF_MS: "50",
    // Short, so a webhook that never recovers is dead-lettered within the test.
    WEBHOOK_RETRY_WINDOW_MS: "2000",
    DIRECT_ALLOW_SHA1_CERTIFICATES: "true",
  });
  conduit = await initConduit(env.config, { api: true, worker: true, inbound: true, migrate: false });
  const { db, secrets } = conduit.ctx;
  const senderCa = await issueCertificate({ commonName: "Sending HISP CA", ca: true });
  const senderCert = await issueCertificate({ commonName: sender, emails: [sender] }, senderCa);
  const conduitCa = await issueCertificate({ commonName: "Conduit CA", ca: true });
  const conduitCert = await issueCertificate({ commonName: localDomain, dnsNames: [localDomain] }, conduitCa);
  senderFiles = pemFiles(senderCert, "sender");
  conduitCertFile = pemFiles(conduitCert, "conduit").cert;
  tenant = await createTenant(db, { directAddressFrom: recipient });
  const ryan = credentialsFromPem({
    certificate: readFileSync(path.join(fixturesDir, "direct/ryan.der")),
    privateKey: readFileSync(path.join(fixturesDir, "direct/ryanKey.der")),
  });
  const referenceAnchor = {
    certificate: new X509Certificate(readFileSync(path.join(fixturesDir, "direct/secureHealthEmailCACert.der"))),
  };
  await db.directAddress.createMany({
    data: [
      { orgId: tenant.orgId, address: `@${localDomain}`, kind: "organization" },
      { orgId: tenant.orgId, address: referenceRecipient, kind: "person" },
    ],
  });
  await db.certificate.createMany({
    data: [
      certificateRow(tenant.orgId, conduitCert, "own", localDomain, secrets),
      certificateRow(tenant.orgId, senderCa, "anchor", localDomain, secrets),
      certificateRow(tenant.orgId, ryan, "own", referenceRecipient, secrets),
      certificateRow(tenant.orgId, referenceAnchor, "anchor", "securehealthemail.com", secrets),
    ],
  });
  webhook = new WebhookReceiver();
  const url = await webhook.start();
  admin = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  admin.token = await adminToken(conduit.ctx, tenant.orgId);
  const registered = await admin.request("POST", "/webhooks", {
    name: "EHR",
    url,
    verificationToken: "token-1234",
    subscriptions: [{ kind: "content", dataModels: ["*"] }],
  });
  expect(registered.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await conduit?.close();
  await webhook?.stop();
  await env?.cleanup();
});

async function original(attachments: { filename: string; contentType: string; content: Buffer }[], messageId: string) {
  return new MailComposer({
    from: sender,
    to: recipient,
    subject: "Documents",
    messageId,
    text: "See attached.",
    attachments,
    newline: "\r\n",
  })
    .compile()
    .build();
}

async function smtpSend(raw: Buffer, envelope: { from: string; to: string[] }) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: conduit.smtp!.port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail({ envelope, raw });
  } finally {
    transport.close();
  }
}

async function sendSealed(
  attachments: { filename: string; contentType: string; content: Buffer }[],
  messageId: string,
) {
  const raw = await original(attachments, messageId);
  await smtpSend(await sealWithOpenssl(raw, senderFiles, conduitCertFile, { from: sender, to: recipient }), {
    from: sender,
    to: [recipient],
  });
}

async function handled(rfcMessageId: string) {
  return waitFor(
    async () => {
      const row = await conduit.ctx.db.message.findFirst({
        where: { direction: "inbound", rfcMessageId },
        include: { events: true },
      });
      return row && row.status !== "received" ? row : undefined;
    },
    20_000,
    `message ${rfcMessageId}`,
  );
}

const postsMentioning = (text: string) => webhook.posts.filter((post) => post.body.includes(text));

describe("inbound delivery", () => {
  it("turns an XDM package's CCD into a PatientPush carrying the XDM metadata", async () => {
    const zip = readFileSync(path.join(fixturesDir, "direct/samplexdm.zip"));
    await sendSealed(
      [{ filename: "samplexdm.zip", contentType: "application/zip", content: zip }],
      "<xdm-1@sending-hisp.example>",
    );
    const post = await waitFor(
      async () => postsMentioning("XdmMetadata").find((candidate) => candidate.body.includes("PatientPush")),
      20_000,
      "the XDM PatientPush",
    );
    const payload = JSON.parse(post.body);
    expect(payload.Meta.DataModel).toBe("Clinical Summary");
    expect(payload.Header.DirectAddressFrom).toBe(sender);
    expect(payload.Header.Patient.Demographics.LastName).toBeTruthy();
    expect(payload.XdmMetadata.uniqueId).toBeTruthy();
  });

  it("opens the Direct reference implementation's own message and delivers it", async () => {
    const raw = readFileSync(path.join(fixturesDir, "direct/EncryptedMessage2.txt"));
    await smtpSend(raw, { from: referenceSender, to: [referenceRecipient] });
    const message = await handled("<4C07A6B7.6020205@securehealthemail.com>");
    expect(message.status).not.toBe("quarantined");
    const opened = message.events.find((event) => event.type === "opened");
    expect((opened?.detail as { sender: string }).sender).toBe(referenceSender);
    await waitFor(
      async () => (postsMentioning(referenceSender).length > 0 ? true : undefined),
      20_000,
      "the reference message's POST",
    );
  });

  it("refuses a zip bomb: recorded, never delivered", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "conduit-bomb-"));
    writeFileSync(path.join(dir, "DOC.XML"), Buffer.alloc(60 * 1024 * 1024));
    execFileSync("zip", ["-q", "-9", "bomb.zip", "DOC.XML"], { cwd: dir });
    const bomb = readFileSync(path.join(dir, "bomb.zip"));
    expect(bomb.length).toBeLessThan(200_000);
    const postsBefore = webhook.posts.length;
    await sendSealed(
      [{ filename: "records.zip", contentType: "application/zip", content: bomb }],
      "<bomb-1@sending-hisp.example>",
    );
    const message = await handled("<bomb-1@sending-hisp.example>");
    expect(message.status).toBe("quarantined");
    expect(message.quarantineReason).toMatch(/XDM package refused/);
    expect(await conduit.ctx.db.webhookDelivery.count({ where: { messageId: message.id } })).toBe(0);
    expect(webhook.posts.length).toBe(postsBefore);
  });

  it("retries a webhook that answers 500 three times until its 200, and never after", async () => {
    webhook.script = [500, 500, 500];
    await sendSealed(
      [{ filename: "retry.txt", contentType: "text/plain", content: Buffer.from("retry me") }],
      "<retry-1@sending-hisp.example>",
    );
    const marker = Buffer.from("retry me").toString("base64");
    await waitFor(async () => (postsMentioning(marker).length >= 4 ? true : undefined), 20_000, "four attempts");
    const message = await handled("<retry-1@sending-hisp.example>");
    const delivery = await waitFor(async () => {
      const row = await conduit.ctx.db.webhookDelivery.findFirst({ where: { messageId: message.id } });
      return row?.status === "delivered" ? row : undefined;
    });
    expect(delivery.attempts).toBe(4);
    const ids = new Set(postsMentioning(marker).map((post) => post.headers["idempotency-key"]));
    expect(ids.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(postsMentioning(marker)).toHaveLength(4);
  });

  it("dead-letters a webhook that never recovers, shows it, and delivers it on replay", async () => {
    webhook.script = Array.from({ length: 1000 }, () => 503);
    await sendSealed(
      [{ filename: "dead.txt", contentType: "text/plain", content: Buffer.from("dead letter") }],
      "<dead-1@sending-hisp.example>",
    );
    const message = await handled("<dead-1@sending-hisp.example>");
    const dead = await waitFor(
      async () => {
        const response = await admin.request("GET", "/webhooks/deliveries?status=dead");
        return response.json.deliveries.find((delivery: { messageId: string }) => delivery.messageId === message.id);
      },
      20_000,
      "the dead letter",
    );
    expect(dead.lastStatusCode).toBe(503);
    expect(dead.attempts).toBeGreaterThan(1);
    await waitFor(async () =>
      (await conduit.ctx.db.message.findUnique({ where: { id: message.id } }))?.status === "failed" ? true : undefined,
    );

    webhook.script = [];
    const replay = await admin.request("POST", `/webhooks/deliveries/${dead.id}/replay`);
    expect(replay.status).toBe(202);
    const audit = await conduit.ctx.db.auditEvent.findMany({ where: { orgId: tenant.orgId, targetId: dead.id } });
    expect(audit.map((entry) => entry.action)).toEqual(["webhook_delivery.replay"]);
    const delivered = await waitFor(
      async () => {
        const row = await conduit.ctx.db.webhookDelivery.findUnique({ where: { id: dead.id } });
        return row?.status === "delivered" ? row : undefined;
      },
      20_000,
      "the replayed delivery",
    );
    expect(delivered.lastStatusCode).toBe(200);
    // With its one delivery now made, the message is delivered after all.
    await waitFor(
      async () =>
        (await conduit.ctx.db.message.findUnique({ where: { id: message.id } }))?.status === "delivered"
          ? true
          : undefined,
      20_000,
      "the message to be delivered",
    );
    const status = await admin.request("GET", `/messages/${message.id}`);
    expect(status.json.timeline.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(["webhook_dead_lettered", "webhook_replayed", "webhook_delivered"]),
    );
  });
});
