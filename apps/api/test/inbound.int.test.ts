import { readFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { issueCertificate, type DirectCredentials } from "@conduit/direct-transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { verifyWebhookSignature } from "../src/webhooks/signature.js";
import { adminToken } from "./support/admin-token.js";
import { createDirectOrganization } from "./support/direct-organization.js";
import { fixturesDir } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { openssl, pemFiles, sealWithOpenssl } from "./support/openssl.js";
import { SmtpSink, WebhookReceiver } from "./support/peers.js";
import type { TestTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

const localDomain = "direct.conduit.test";
const recipient = `records@${localDomain}`;
const sender = "dr.sender@hisp.example";

let env: TestEnv;
let conduit: Conduit;
let tenant: TestTenant;
let admin: ApiClient;
let webhook: WebhookReceiver;
let peer: SmtpSink;
let hmacSecret: string;
let conduitCa: DirectCredentials;
let senderFiles: { cert: string; key: string };
let conduitCertFile: string;
let conduitCaFile: string;
let strangerFiles: { cert: string; key: string };

beforeAll(async () => {
  env = await createTestEnv({ INBOUND_SMTP_PORT: "0", WEBHOOK_BACKOFF_MS: "50" });
  conduit = await initConduit(env.config, { api: true, worker: true, inbound: false, migrate: false });
  const { db, secrets } = conduit.ctx;

  // Two PKIs: the sending HISP's and Conduit's. Each trusts the other's CA for the other's domain.
  const senderCa = await issueCertificate({ commonName: "Sending HISP CA", ca: true });
  const senderCert = await issueCertificate({ commonName: sender, emails: [sender] }, senderCa);
  conduitCa = await issueCertificate({ commonName: "Conduit test CA", ca: true });
  const conduitCert = await issueCertificate({ commonName: localDomain, dnsNames: [localDomain] }, conduitCa);
  const strangerCa = await issueCertificate({ commonName: "Nobody trusts this CA", ca: true });
  const strangerCert = await issueCertificate({ commonName: sender, emails: [sender] }, strangerCa);
  senderFiles = pemFiles(senderCert, "sender");
  strangerFiles = pemFiles(strangerCert, "stranger");
  conduitCertFile = pemFiles(conduitCert, "conduit").cert;
  conduitCaFile = pemFiles(conduitCa, "conduit-ca").cert;

  peer = new SmtpSink();
  const peerPort = await peer.start(await issueCertificate({ commonName: "localhost", ips: ["127.0.0.1"] }, senderCa));
  tenant = await createDirectOrganization(db, secrets, {
    localDomain,
    directAddressFrom: recipient,
    relayPort: peerPort,
    own: conduitCert,
    anchors: [senderCa, conduitCa],
    recipients: [{ scope: sender, credentials: senderCert }],
  });
  // The listener starts after the domain is registered, as a restarted Conduit would.
  await conduit.close();
  conduit = await initConduit(env.config, { api: true, worker: true, inbound: true, migrate: false });

  webhook = new WebhookReceiver();
  const url = await webhook.start();
  admin = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  admin.token = await adminToken(conduit.ctx, tenant.orgId);
  const registered = await admin.request("POST", "/webhooks", {
    name: "EHR inbox",
    url,
    verificationToken: "verify-me-please",
    subscriptions: [{ kind: "content", dataModels: ["*"] }],
  });
  expect(registered.status).toBe(201);
  hmacSecret = registered.json.hmacSecret;
}, 120_000);

afterAll(async () => {
  await conduit?.close();
  await webhook?.stop();
  await peer?.stop();
  await env?.cleanup();
});

async function original(
  attachments: { filename: string; contentType: string; content: Buffer }[],
  options: { finalDelivery?: boolean; messageId: string },
) {
  return new MailComposer({
    from: sender,
    to: recipient,
    subject: "Referral",
    messageId: options.messageId,
    text: "Please see the attached document.",
    headers: options.finalDelivery
      ? { "Disposition-Notification-Options": "X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,true" }
      : {},
    attachments,
    newline: "\r\n",
  })
    .compile()
    .build();
}

async function sendToConduit(raw: Buffer, from = sender) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: conduit.smtp!.port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail({ envelope: { from, to: [recipient] }, raw });
  } finally {
    transport.close();
  }
}

async function inboundMessageFor(messageId: string) {
  return waitFor(
    async () => {
      const row = await conduit.ctx.db.message.findFirst({
        where: { direction: "inbound", rfcMessageId: messageId },
        include: { events: true },
      });
      return row && row.status !== "received" ? row : undefined;
    },
    20_000,
    `inbound message ${messageId} to be handled`,
  );
}

/** For messages that cannot be opened (so their Message-ID is never read): the inbound message stored after `since`. */
async function inboundMessageSince(since: Date) {
  return waitFor(
    async () => {
      const row = await conduit.ctx.db.message.findFirst({
        where: { direction: "inbound", createdAt: { gte: since } },
        orderBy: { createdAt: "desc" },
      });
      return row && row.status !== "received" ? row : undefined;
    },
    20_000,
    "the inbound message to be handled",
  );
}

async function openMdn(mail: { raw: Buffer }) {
  const decrypted = await openssl(["cms", "-decrypt", "-recip", senderFiles.cert, "-inkey", senderFiles.key], mail.raw);
  return (await openssl(["cms", "-verify", "-CAfile", conduitCaFile], decrypted)).toString("utf8");
}

describe("inbound Direct to webhooks", () => {
  it("delivers an openssl-sealed C-CDA as a signed PatientPush, answers processed, then dispatched", async () => {
    const ccd = await readFile(path.join(fixturesDir, "ccda/CCD.xml"));
    const messageId = "<ccd-1@hisp.example>";
    const raw = await original([{ filename: "CCD.xml", contentType: "application/xml", content: ccd }], {
      finalDelivery: true,
      messageId,
    });
    await sendToConduit(
      await sealWithOpenssl(raw, senderFiles, conduitCertFile, { from: sender, to: recipient, subject: "Referral" }),
    );

    const post = await waitFor(
      async () =>
        webhook.posts.find((candidate) => candidate.body.includes("ccd-1") || candidate.body.includes("PatientPush")),
      20_000,
      "the webhook POST",
    );
    const payload = JSON.parse(post.body);
    expect(payload.Meta.DataModel).toBe("Clinical Summary");
    expect(payload.Meta.EventType).toBe("PatientPush");
    expect(payload.Header.DirectAddressFrom).toBe(sender);
    expect(payload.Header.DirectAddressTo).toBe(recipient);
    expect(payload.Header.Patient.Demographics.LastName).toBe("Jones");
    expect(payload.Header.Patient.Demographics.FirstName).toBe("Isabella");
    expect(post.headers["verification-token"]).toBe("verify-me-please");
    expect(verifyWebhookSignature(post.body, String(post.headers["x-conduit-signature"]), hmacSecret)).toBe(true);
    expect(post.headers["idempotency-key"]).toBeTruthy();

    const message = await inboundMessageFor(messageId);
    expect(message.events.map((event) => event.type)).toEqual(expect.arrayContaining(["received", "opened", "parsed"]));

    const mdns = await waitFor(
      async () => (peer.messages.length >= 2 ? peer.messages : undefined),
      20_000,
      "two MDNs at the sender's HISP",
    );
    const processed = await openMdn(mdns[0]!);
    expect(processed).toMatch(/Disposition:[^\r\n]*processed/i);
    expect(processed).toContain(messageId);
    const dispatched = await openMdn(mdns[1]!);
    expect(dispatched).toMatch(/Disposition:[^\r\n]*dispatched/i);
    expect(dispatched).toMatch(/X-DIRECT-FINAL-DESTINATION-DELIVERY/i);
    await waitFor(async () =>
      (await conduit.ctx.db.message.findUnique({ where: { id: message.id } }))?.status === "delivered"
        ? true
        : undefined,
    );
  });

  it("delivers a PDF as a Media New with the file's bytes", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% a test document\n%%EOF\n");
    const messageId = "<pdf-1@hisp.example>";
    const raw = await original([{ filename: "discharge.pdf", contentType: "application/pdf", content: pdf }], {
      messageId,
    });
    await sendToConduit(
      await sealWithOpenssl(raw, senderFiles, conduitCertFile, { from: sender, to: recipient }, { oaep: true }),
    );
    const post = await waitFor(
      async () => webhook.posts.find((candidate) => candidate.body.includes("discharge.pdf")),
      20_000,
      "the Media POST",
    );
    const payload = JSON.parse(post.body);
    expect(payload.Meta.DataModel).toBe("Media");
    expect(payload.Media.FileType).toBe("PDF");
    expect(Buffer.from(payload.Media.FileContents, "base64").equals(pdf)).toBe(true);
    expect(payload.Media.DirectAddressFrom).toBe(sender);
  });

  it("quarantines a message from an untrusted signer: no webhook, no MDN, the reason visible", async () => {
    const since = new Date();
    const messageId = "<stranger-1@hisp.example>";
    const raw = await original([{ filename: "note.txt", contentType: "text/plain", content: Buffer.from("hello") }], {
      messageId,
    });
    await sendToConduit(await sealWithOpenssl(raw, strangerFiles, conduitCertFile, { from: sender, to: recipient }));
    const message = await inboundMessageSince(since);
    expect(message.status).toBe("quarantined");
    expect(message.quarantineReason).toMatch(/trust|anchor/i);
    const status = await admin.request("GET", `/messages/${message.id}`);
    expect(status.json.quarantineReason).toBe(message.quarantineReason);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(webhook.posts.some((post) => post.body.includes(Buffer.from("hello").toString("base64")))).toBe(false);
    expect(await conduit.ctx.db.webhookDelivery.count({ where: { messageId: message.id } })).toBe(0);
    const notifications = await conduit.ctx.db.message.findMany({
      where: { direction: "outbound", dataModel: "Notification" },
    });
    expect(notifications.filter((row) => (row.payload as { inReplyTo?: string }).inReplyTo === message.id)).toEqual([]);
  });

  it("quarantines a tampered message", async () => {
    const since = new Date();
    const messageId = "<tampered-1@hisp.example>";
    const raw = await original(
      [{ filename: "note.txt", contentType: "text/plain", content: Buffer.from("original words") }],
      { messageId },
    );
    const sealed = (await sealWithOpenssl(raw, senderFiles, conduitCertFile, { from: sender, to: recipient })).toString(
      "latin1",
    );
    // Flip characters inside the base64 body: the ciphertext no longer decrypts to a valid signed message.
    const bodyStart = sealed.indexOf("\n\n") > 0 ? sealed.indexOf("\n\n") + 2 : sealed.indexOf("\r\n\r\n") + 4;
    const target = bodyStart + 200;
    const tampered = sealed.slice(0, target) + (sealed[target] === "A" ? "B" : "A") + sealed.slice(target + 1);
    await sendToConduit(Buffer.from(tampered, "latin1"));
    const message = await inboundMessageSince(since);
    expect(message.status).toBe("quarantined");
    expect(message.quarantineReason).toBeTruthy();
  });
});
