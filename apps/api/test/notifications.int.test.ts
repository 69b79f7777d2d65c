import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { buildMdn, issueCertificate } from "@conduit/direct-transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { adminToken } from "./support/admin-token.js";
import { createDirectOrganization } from "./support/direct-organization.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { openssl, pemFiles, sealWithOpenssl } from "./support/openssl.js";
import { SmtpSink, WebhookReceiver } from "./support/peers.js";
import type { TestTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

const localDomain = "direct.conduit.test";
const senderAddress = `referrals@${localDomain}`;
const peerDomain = "peer-hisp.example";
const alice = `alice@${peerDomain}`;
const bob = `bob@${peerDomain}`;

let env: TestEnv;
let conduit: Conduit;
let tenant: TestTenant;
let api: ApiClient;
let statusHook: WebhookReceiver;
let peer: SmtpSink;
let peerFiles: { cert: string; key: string };
let conduitCertFile: string;

beforeAll(async () => {
  // A short notification timeout, so the test can watch a silent peer time out.
  env = await createTestEnv({ INBOUND_SMTP_PORT: "0", NOTIFICATION_TIMEOUT_MS: "12000", WEBHOOK_BACKOFF_MS: "50" });
  conduit = await initConduit(env.config, { api: false, worker: false, migrate: false });
  const { db, secrets } = conduit.ctx;
  const peerCa = await issueCertificate({ commonName: "Peer HISP CA", ca: true });
  const peerCert = await issueCertificate({ commonName: peerDomain, dnsNames: [peerDomain] }, peerCa);
  const conduitCa = await issueCertificate({ commonName: "Conduit test CA", ca: true });
  const conduitCert = await issueCertificate({ commonName: localDomain, dnsNames: [localDomain] }, conduitCa);
  peerFiles = pemFiles(peerCert, "peer");
  conduitCertFile = pemFiles(conduitCert, "conduit").cert;

  peer = new SmtpSink();
  const peerPort = await peer.start(await issueCertificate({ commonName: "localhost", ips: ["127.0.0.1"] }, peerCa));
  tenant = await createDirectOrganization(db, secrets, {
    localDomain,
    directAddressFrom: senderAddress,
    relayPort: peerPort,
    own: conduitCert,
    anchors: [conduitCa, peerCa],
    recipients: [{ scope: peerDomain, credentials: peerCert }],
  });
  await conduit.close();
  conduit = await initConduit(env.config, { api: true, worker: true, inbound: true, migrate: false });
  api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  await api.authenticate(tenant.apiKey, tenant.secret);

  statusHook = new WebhookReceiver();
  const admin = new ApiClient(api.baseUrl);
  admin.token = await adminToken(conduit.ctx, tenant.orgId);
  const registered = await admin.request("POST", "/webhooks", {
    name: "status",
    url: await statusHook.start(),
    verificationToken: "status-token",
    subscriptions: [{ kind: "status", dataModels: ["*"] }],
  });
  expect(registered.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await conduit?.close();
  await statusHook?.stop();
  await peer?.stop();
  await env?.cleanup();
});

async function sendSummaryTo(recipient: string) {
  const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.Meta.Destinations = [{ ID: tenant.destinationId }];
  payload.Header.DirectAddressTo = recipient;
  const response = await api.request("POST", "/endpoint", payload);
  expect(response.status).toBe(200);
  const id = response.json.Meta.Logs[0].ID as string;
  await statusOf(id, (status) => status.recipients.every((r: { status: string }) => r.status === "sent"));
  return id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type MessageStatusJson = any;

async function statusOf(id: string, until: (status: MessageStatusJson) => boolean, what = "status") {
  return waitFor(
    async () => {
      const response = await api.request("GET", `/messages/${id}`);
      return response.status === 200 && until(response.json) ? response.json : undefined;
    },
    20_000,
    what,
  );
}

/** What the peer's security agent received from Conduit: decrypted with the peer's key, verified, unwrapped. */
async function openAtPeer(raw: Buffer) {
  const decrypted = await openssl(["cms", "-decrypt", "-recip", peerFiles.cert, "-inkey", peerFiles.key], raw);
  return openssl(["cms", "-verify", "-noverify"], decrypted);
}

/** The peer answers: a notification sealed with openssl and sent to Conduit's SMTP listener. */
async function peerSends(from: string, notification: Buffer) {
  const sealed = await sealWithOpenssl(notification, peerFiles, conduitCertFile, {
    from,
    to: senderAddress,
    subject: "Notification",
  });
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: conduit.smtp!.port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail({ envelope: { from, to: [senderAddress] }, raw: sealed });
  } finally {
    transport.close();
  }
}

function mdn(from: string, originalMessageId: string, disposition: "processed" | "dispatched") {
  return buildMdn({
    from,
    to: senderAddress,
    originalMessageId,
    finalRecipient: from,
    disposition,
    finalDelivery: disposition === "dispatched",
    messageId: `<${randomUUID()}@${peerDomain}>`,
    date: new Date(),
  });
}

function dsn(failedRecipient: string, originalMessageId: string) {
  const boundary = "dsn-boundary-1";
  return Buffer.from(
    [
      `From: postmaster@${peerDomain}`,
      `To: ${senderAddress}`,
      "Subject: Delivery Status Notification (Failure)",
      `Message-ID: <${randomUUID()}@${peerDomain}>`,
      `X-Original-Message-ID: ${originalMessageId}`,
      "MIME-Version: 1.0",
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain",
      "",
      "Your message could not be delivered.",
      `--${boundary}`,
      "Content-Type: message/delivery-status",
      "",
      `Reporting-MTA: dns; mx.${peerDomain}`,
      "",
      `Final-Recipient: rfc822; ${failedRecipient}`,
      "Action: failed",
      "Status: 5.1.1",
      "Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown",
      `--${boundary}--`,
      "",
    ].join("\r\n"),
  );
}

const statusEventsFor = (id: string) =>
  statusHook.posts.map((post) => JSON.parse(post.body)).filter((event) => event.message?.id === id);

describe("delivery notifications", () => {
  it("ends delivered after processed then dispatched MDNs, and tells the status webhook each step", async () => {
    const id = await sendSummaryTo(alice);
    const sent = await statusOf(id, () => true);
    expect(sent.finalDeliveryRequested).toBe(true);
    const delivered = peer.messages.at(-1)!;
    // Inside the signature, the wrapped original asks for final-delivery notification (IG §3).
    const opened = (await openAtPeer(delivered.raw)).toString("latin1");
    expect(opened).toMatch(/^Content-Type: message\/rfc822/i);
    expect(opened).toMatch(/Disposition-Notification-Options: X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,true/i);
    expect(opened).toContain(`Message-ID: ${sent.messageId}`);

    await peerSends(alice, mdn(alice, sent.messageId, "processed"));
    const processed = await statusOf(id, (status) => status.recipients[0].status === "processed", "processed");
    expect(processed.recipients[0].final).toBe(false);
    await peerSends(alice, mdn(alice, sent.messageId, "dispatched"));
    const final = await statusOf(id, (status) => status.status === "delivered", "delivered");
    expect(final.recipients).toMatchObject([{ address: alice, status: "delivered", final: true }]);
    expect(final.timeline.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(["sent", "mdn_processed", "mdn_dispatched"]),
    );

    const events = await waitFor(
      async () => {
        const seen = statusEventsFor(id).map((event) => event.event);
        return seen.includes("delivered") ? seen : undefined;
      },
      20_000,
      "status webhook events",
    );
    expect(events).toEqual(["sent", "processed", "delivered"]);
  });

  it("ends failed with the DSN's status code and text", async () => {
    const id = await sendSummaryTo(bob);
    const sent = await statusOf(id, () => true);
    await peerSends(`postmaster@${peerDomain}`, dsn(bob, sent.messageId));
    const failed = await statusOf(id, (status) => status.status === "failed", "failed");
    expect(failed.recipients[0]).toMatchObject({ address: bob, status: "failed", final: true });
    expect(failed.recipients[0].detail).toContain("5.1.1");
    expect(failed.recipients[0].detail).toContain("mailbox unknown");
  });

  it("times out a recipient that never answers, and a late dispatched MDN does not change that", async () => {
    const id = await sendSummaryTo(alice);
    const sent = await statusOf(id, () => true);
    const timedOut = await statusOf(id, (status) => status.status === "timed_out", "timed_out");
    expect(timedOut.recipients[0]).toMatchObject({ status: "timed_out", final: true });
    await peerSends(alice, mdn(alice, sent.messageId, "dispatched"));
    const after = await statusOf(
      id,
      (status) => status.timeline.some((event: { type: string }) => event.type === "late_notification"),
      "the late MDN",
    );
    expect(after.status).toBe("timed_out");
    expect(after.recipients[0].status).toBe("timed_out");
  }, 45_000);

  it("keeps one outcome per recipient: delivered for one, failed for the other", async () => {
    // Two recipients in one message, queued the way the API queues a message.
    const { db, outboundQueue } = conduit.ctx;
    const id = randomUUID();
    await db.message.create({
      data: {
        id,
        orgId: tenant.orgId,
        sourceId: tenant.sourceId,
        destinationId: tenant.destinationId,
        direction: "outbound",
        dataModel: "Clinical Summary",
        eventType: "PatientPush",
        status: "queued",
        payload: readFixtureJson("redox/samples/clinicalsummary-patientpush.json"),
        directFrom: senderAddress,
        directTo: [alice, bob],
        rfcMessageId: `<${id}@${localDomain}>`,
        attemptId: randomUUID(),
        finalDeliveryRequested: true,
        recipients: {
          create: [
            { address: alice, status: "queued" },
            { address: bob, status: "queued" },
          ],
        },
      },
    });
    await outboundQueue.add("send", { messageId: id }, { jobId: id });
    const sent = await statusOf(id, (status) => status.status === "sent", "sent");
    await peerSends(alice, mdn(alice, sent.messageId, "dispatched"));
    await peerSends(`postmaster@${peerDomain}`, dsn(bob, sent.messageId));
    const final = await statusOf(
      id,
      (status) => status.recipients.every((r: { final: boolean }) => r.final),
      "both outcomes",
    );
    expect(final.recipients).toMatchObject([
      { address: alice, status: "delivered", final: true },
      { address: bob, status: "failed", final: true },
    ]);
    expect(final.status).toBe("failed");
  });
});
