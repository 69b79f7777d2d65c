import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateSecret, hashSecret } from "../../src/auth/secret-hash.js";
import type { AppContext } from "../../src/context.js";
import { readFixtureJson } from "./fixtures.js";
import { createTenant } from "./tenant.js";

/** A server that records every request it gets: a remote image in a document must never reach it. */
export class BeaconServer {
  readonly hits: string[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits.push(req.url ?? "");
      res.writeHead(200, { "content-type": "image/png" }).end();
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

/** A one-page PDF and a 2x2 PNG, the smallest real files of each kind. */
export const tinyPdf = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj " +
    "3 0 obj<</Type/Page/MediaBox[0 0 200 100]/Parent 2 0 R/Resources<<>>>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);
export const tinyPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
  "base64",
);

export interface DashboardSeed {
  orgId: string;
  clientId: string;
  clientSecret: string;
  deliveredId: string;
  failedId: string;
  hostileId: string;
  pdfId: string;
  imageId: string;
  inboundId: string;
  deadDeliveryId: string;
  /** A message of another organization: the dashboard must answer 404 for it. */
  foreignId: string;
}

const clinicalSummary = () => readFixtureJson("redox/samples/clinicalsummary-patientpush.json");

/**
 * One organization as support staff would find it: a delivered referral, a failed one, one whose narrative is
 * hostile, a PDF and an image, an inbound document whose webhook delivery was dead-lettered, certificates (one about
 * to expire), directory entries; and a second organization with a message of its own.
 */
export async function seedDashboard(
  ctx: AppContext,
  options: { webhookUrl: string; beaconUrl: string },
): Promise<DashboardSeed> {
  const { db } = ctx;
  const tenant = await createTenant(db, { directAddressFrom: "referrals@direct.clinic.test" });
  const orgId = tenant.orgId;
  const clientId = randomUUID();
  const clientSecret = generateSecret();
  await db.adminCredential.create({
    data: { orgId, name: "Support desk", clientId, secretHash: await hashSecret(clientSecret) },
  });
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

  async function outbound(
    payload: Record<string, unknown>,
    options: {
      dataModel?: string;
      eventType?: string;
      status: "sent" | "delivered" | "failed";
      to: string;
      recipient: { status: "sent" | "delivered" | "failed"; remoteReply?: string; detail?: string; final: boolean };
      events: { type: string; detail?: object }[];
      lastError?: string;
      createdMinutesAgo: number;
    },
  ): Promise<string> {
    const message = await db.message.create({
      data: {
        orgId,
        sourceId: tenant.sourceId,
        destinationId: tenant.destinationId,
        direction: "outbound",
        dataModel: options.dataModel ?? "Clinical Summary",
        eventType: options.eventType ?? "PatientPush",
        status: options.status,
        payload: payload as object,
        directFrom: "referrals@direct.clinic.test",
        directTo: [options.to],
        rfcMessageId: `<${randomUUID()}@direct.clinic.test>`,
        attemptId: randomUUID(),
        lastError: options.lastError ?? null,
        createdAt: minutesAgo(options.createdMinutesAgo),
        sentAt: options.status === "failed" ? null : minutesAgo(options.createdMinutesAgo - 1),
        finalDeliveryRequested: true,
        recipients: {
          create: {
            address: options.to,
            status: options.recipient.status,
            remoteReply: options.recipient.remoteReply ?? null,
            detail: options.recipient.detail ?? null,
            finalAt: options.recipient.final ? new Date() : null,
          },
        },
      },
    });
    for (const event of options.events) {
      await db.messageEvent.create({ data: { messageId: message.id, type: event.type, detail: event.detail } });
    }
    return message.id;
  }

  const deliveredId = await outbound(clinicalSummary(), {
    status: "delivered",
    to: "dr.slate@direct.cardiology.test",
    recipient: { status: "delivered", remoteReply: "250 2.0.0 Ok: queued as 4F2A1", final: true },
    events: [
      { type: "accepted" },
      { type: "rendered", detail: { bytes: 48_213 } },
      { type: "handed_to_hisp", detail: { adapter: "smtp", attempt: 1 } },
      {
        type: "sent",
        detail: { recipient: "dr.slate@direct.cardiology.test", reply: "250 2.0.0 Ok: queued as 4F2A1" },
      },
      { type: "mdn_processed", detail: { recipient: "dr.slate@direct.cardiology.test" } },
      { type: "mdn_dispatched", detail: { recipient: "dr.slate@direct.cardiology.test" } },
    ],
    createdMinutesAgo: 42,
  });
  const failedId = await outbound(clinicalSummary(), {
    status: "failed",
    to: "nobody@direct.unknown-hisp.test",
    recipient: {
      status: "failed",
      remoteReply: "550 5.1.1 <nobody@direct.unknown-hisp.test>: Recipient address rejected",
      detail: "no certificate found for nobody@direct.unknown-hisp.test (configured, DNS CERT, LDAP)",
      final: true,
    },
    events: [
      { type: "accepted" },
      { type: "rendered", detail: { bytes: 48_213 } },
      { type: "failed", detail: { reason: "no certificate found for nobody@direct.unknown-hisp.test" } },
    ],
    lastError: "no certificate found for nobody@direct.unknown-hisp.test",
    createdMinutesAgo: 30,
  });

  const hostile = clinicalSummary() as Record<string, unknown> & { Header: { Patient: { Demographics: object } } };
  const beacon = options.beaconUrl;
  hostile.Header.Patient.Demographics = {
    ...hostile.Header.Patient.Demographics,
    FirstName: `Eve<img src="${beacon}/name.png" onerror="window.parent.pwned='name'">`,
    LastName: `<script>window.parent.pwned='lastname'</script>Mallory`,
  };
  hostile.ProblemsText =
    `<paragraph>Hostile narrative follows.</paragraph>` +
    `<script>window.parent.pwned = 'script'; document.title = 'pwned';</script>` +
    `<img src="${beacon}/beacon.png" onerror="window.parent.pwned = 'onerror'"/>` +
    `<content styleCode="Bold" onmouseover="window.parent.pwned = 'hover'">Bold but harmless</content>` +
    `<linkHtml href="javascript:window.parent.pwned='link'">a link that goes nowhere</linkHtml>` +
    `<renderMultiMedia referencedObject="${beacon}/media.png"/>`;
  hostile.NoteSections = [
    {
      Title: "Note <script>window.parent.pwned='title'</script>",
      Text: `<table><tr><td style="background:url(${beacon}/bg.png)">cell</td></tr></table><iframe src="${beacon}/frame"></iframe>`,
    },
  ];
  const hostileId = await outbound(hostile, {
    status: "sent",
    to: "dr.slate@direct.cardiology.test",
    recipient: { status: "sent", remoteReply: "250 2.0.0 Ok", final: false },
    events: [{ type: "accepted" }, { type: "rendered" }, { type: "sent" }],
    createdMinutesAgo: 5,
  });

  const media = (fileType: string, fileName: string, bytes: Buffer) => ({
    Meta: { DataModel: "Media", EventType: "New" },
    Patient: (clinicalSummary().Header as { Patient: object }).Patient,
    Media: {
      FileType: fileType,
      FileName: fileName,
      FileContents: bytes.toString("base64"),
      DocumentType: "Referral",
      DocumentID: randomUUID(),
      Provider: { ID: "4356789876" },
    },
  });
  const pdfId = await outbound(media("PDF", "referral-letter.pdf", tinyPdf), {
    dataModel: "Media",
    eventType: "New",
    status: "delivered",
    to: "dr.slate@direct.cardiology.test",
    recipient: { status: "delivered", final: true },
    events: [{ type: "accepted" }, { type: "sent" }, { type: "mdn_dispatched" }],
    createdMinutesAgo: 20,
  });
  const imageId = await outbound(media("PNG", "wound.png", tinyPng), {
    dataModel: "Media",
    eventType: "New",
    status: "delivered",
    to: "dr.slate@direct.cardiology.test",
    recipient: { status: "delivered", final: true },
    events: [{ type: "accepted" }, { type: "sent" }, { type: "mdn_dispatched" }],
    createdMinutesAgo: 18,
  });

  // Inbound: a document whose only webhook delivery was dead-lettered (the endpoint answered 500 for a day).
  const webhook = await db.webhookDestination.create({
    data: {
      orgId,
      name: "EHR intake",
      url: options.webhookUrl,
      verificationTokenEncrypted: ctx.secrets.seal("verify-token-123"),
      hmacSecretEncrypted: ctx.secrets.seal("a-hmac-secret-of-enough-length"),
      verifiedAt: new Date(),
      subscriptions: { create: { kind: "content", dataModels: ["*"] } },
    },
    include: { subscriptions: true },
  });
  const inbound = await db.message.create({
    data: {
      orgId,
      direction: "inbound",
      dataModel: "Clinical Summary",
      eventType: "PatientPush",
      status: "failed",
      directFrom: "dr.slate@direct.cardiology.test",
      directTo: ["intake@direct.clinic.test"],
      rfcMessageId: `<${randomUUID()}@direct.cardiology.test>`,
      attemptId: randomUUID(),
      createdAt: minutesAgo(90),
      items: {
        create: {
          position: 0,
          dataModel: "Clinical Summary",
          eventType: "PatientPush",
          payload: clinicalSummary() as object,
        },
      },
      events: {
        create: [
          { type: "received" },
          { type: "opened", detail: { signer: "dr.slate@direct.cardiology.test" } },
          { type: "webhook_dead", detail: { webhook: "EHR intake", lastStatusCode: 500 } },
        ],
      },
    },
    include: { items: true },
  });
  const dead = await db.webhookDelivery.create({
    data: {
      webhookDestinationId: webhook.id,
      subscriptionId: webhook.subscriptions[0]!.id,
      messageId: inbound.id,
      itemId: inbound.items[0]!.id,
      status: "dead",
      attempts: 17,
      lastStatusCode: 500,
      lastError: "HTTP 500",
      windowStartedAt: minutesAgo(60 * 25),
    },
  });

  const year = 365 * 86_400_000;
  const certificate = (use: "own" | "anchor", scope: string, subject: string, notAfter: Date) => ({
    orgId,
    use,
    scope,
    subject,
    subjectAltNames: [scope],
    issuer: "CN=Clinic Test CA",
    serialNumber: randomUUID().replace(/-/g, ""),
    notBefore: new Date(Date.now() - year),
    notAfter,
    fingerprint: randomUUID(),
    certificatePem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
  });
  await db.certificate.createMany({
    data: [
      certificate("own", "direct.clinic.test", "CN=direct.clinic.test", new Date(Date.now() + 12 * 86_400_000)),
      certificate("anchor", "direct.clinic.test", "CN=Clinic Test CA", new Date(Date.now() + 5 * year)),
    ],
  });
  await db.directoryEntry.createMany({
    data: [
      {
        orgId,
        list: "nppes",
        npi: "1234567893",
        directAddress: "dr.slate@direct.cardiology.test",
        name: "John Slate",
        organizationName: "Cardiology Partners",
      },
      {
        orgId,
        list: "nppes",
        npi: "1245319599",
        directAddress: "pat.granite@direct.redoxengine.com",
        name: "Pat Granite",
        organizationName: "Granite Family Medicine",
      },
    ],
  });

  const other = await createTenant(db);
  const foreign = await db.message.create({
    data: {
      orgId: other.orgId,
      direction: "outbound",
      dataModel: "Clinical Summary",
      eventType: "PatientPush",
      status: "delivered",
      payload: clinicalSummary() as object,
      directFrom: "sender@direct.test.example",
      directTo: ["secret-recipient@direct.other.test"],
      rfcMessageId: `<${randomUUID()}@direct.other.test>`,
      attemptId: randomUUID(),
    },
  });

  return {
    orgId,
    clientId,
    clientSecret,
    deliveredId,
    failedId,
    hostileId,
    pdfId,
    imageId,
    inboundId: inbound.id,
    deadDeliveryId: dead.id,
    foreignId: foreign.id,
  };
}
