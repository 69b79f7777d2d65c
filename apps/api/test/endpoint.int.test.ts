import { readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { addDestination, createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

let env: TestEnv;
let conduit: Conduit;
let api: ApiClient;
let tenant: TestTenant;

beforeAll(async () => {
  env = await createTestEnv({ MAX_BODY_BYTES: "300000" });
  conduit = await initConduit(env.config, { api: true, worker: true, migrate: false });
  api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  tenant = await createTenant(conduit.ctx.db, { settings: { directory: path.join(env.varDir, "outbox") } });
  await api.authenticate(tenant.apiKey, tenant.secret);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

function clinicalSummary(destinationIds: string[] = [tenant.destinationId]) {
  const payload = readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.Meta.Destinations = destinationIds.map((ID) => ({ ID, Name: "Test destination" }));
  return payload;
}

/** A real (tiny) PDF, so the test checks bytes survive the trip. */
const pdfBytes = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

function mediaNew() {
  const payload = readFixtureJson<any>("redox/samples/media-new.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.Meta.Destinations = [{ ID: tenant.destinationId, Name: "Test destination" }];
  payload.Media.FileContents = pdfBytes.toString("base64");
  payload.Media.DirectAddressTo = "records@direct.receiver.example";
  return payload;
}

async function waitForStatus(id: string, status: string) {
  return waitFor(
    async () => {
      const response = await api.request("GET", `/messages/${id}`);
      return response.json?.status === status ? response.json : undefined;
    },
    10_000,
    `message ${id} to be ${status}`,
  );
}

async function readOutbox(id: string) {
  return simpleParser(await readFile(path.join(env.varDir, "outbox", `${id}.eml`)));
}

function errorTexts(response: { json: { Meta?: { Errors?: { Text: string }[] } } }): string[] {
  return (response.json.Meta?.Errors ?? []).map((error) => error.Text);
}

describe("POST /endpoint, ClinicalSummary PatientPush", () => {
  it("accepts the Redox sample, writes a .eml whose attachment is a CDA naming the patient, and reports it sent", async () => {
    const response = await api.request("POST", "/endpoint", clinicalSummary());
    expect(response.status).toBe(200);
    expect(response.json.Meta.DataModel).toBe("Clinical Summary");
    expect(response.json.Meta.Logs).toHaveLength(1);
    const id = response.json.Meta.Logs[0].ID;

    const status = await waitForStatus(id, "sent");
    expect(status.timeline.map((event: { type: string }) => event.type)).toEqual([
      "accepted",
      "rendered",
      "handed_to_hisp",
      "sent",
    ]);
    expect(status.directFrom).toBe("sender@direct.test.example");
    expect(status.directTo).toEqual(["john.slate@direct.redoxengine.com"]);

    const mail = await readOutbox(id);
    expect(mail.from?.text).toBe("sender@direct.test.example");
    expect(mail.messageId).toBe(status.messageId);
    const cda = mail.attachments.find((attachment) => attachment.filename === "ccda.xml");
    expect(cda?.contentType).toBe("application/xml");
    const xml = cda!.content.toString("utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const patient = doc.ClinicalDocument.recordTarget.patientRole.patient;
    expect(patient.name.family).toBe("Jones");
    expect([patient.name.given].flat()).toContain("Myra");
  });

  it("overrides a DirectAddressFrom sent by the caller with the destination's address", async () => {
    const payload = clinicalSummary();
    payload.Header.DirectAddressFrom = "someone.else@direct.elsewhere.example";
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(200);
    const id = response.json.Meta.Logs[0].ID;
    await waitForStatus(id, "sent");
    const stored = await conduit.ctx.db.message.findUniqueOrThrow({ where: { id } });
    expect((stored.payload as any).Header.DirectAddressFrom).toBe("sender@direct.test.example"); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((await readOutbox(id)).from?.text).toBe("sender@direct.test.example");
  });

  it("makes one message and one Logs entry per destination", async () => {
    const second = await addDestination(conduit.ctx.db, tenant, {
      settings: { directory: path.join(env.varDir, "outbox") },
    });
    const response = await api.request("POST", "/endpoint", clinicalSummary([tenant.destinationId, second]));
    expect(response.status).toBe(200);
    const ids = response.json.Meta.Logs.map((log: { ID: string }) => log.ID);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) await waitForStatus(id, "sent");
    const froms = await Promise.all(ids.map(async (id: string) => (await readOutbox(id)).from?.text));
    expect(froms.sort()).toEqual(["second@direct.test.example", "sender@direct.test.example"]);
  });
});

describe("POST /endpoint, Media New", () => {
  it("delivers the decoded file with its MIME type", async () => {
    const response = await api.request("POST", "/endpoint", mediaNew());
    expect(response.status).toBe(200);
    const id = response.json.Meta.Logs[0].ID;
    await waitForStatus(id, "sent");
    const mail = await readOutbox(id);
    expect(mail.to && "text" in mail.to ? mail.to.text : "").toBe("records@direct.receiver.example");
    const attachment = mail.attachments[0]!;
    expect(attachment.contentType).toBe("application/pdf");
    expect(attachment.filename).toBe("SamplePDF.pdf");
    expect(attachment.content.equals(pdfBytes)).toBe(true);
  });

  it("refuses the sample's placeholder FileContents, naming the field", async () => {
    const payload = mediaNew();
    payload.Media.FileContents = "<...base 64 file contents...>";
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response).join("\n")).toMatch(/^Media\.FileContents: expected valid base64/m);
  });

  it("refuses a Media message without DirectAddressTo, naming the field", async () => {
    const payload = mediaNew();
    delete payload.Media.DirectAddressTo;
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response)).toEqual(["Media.DirectAddressTo: required: the recipient's Direct address"]);
  });
});

describe("POST /endpoint, bad input", () => {
  it("answers 401 without credentials", async () => {
    const anonymous = new ApiClient(api.baseUrl);
    const response = await anonymous.request("POST", "/endpoint", clinicalSummary());
    expect(response.status).toBe(401);
    expect(response.json.Meta.Errors[0].Type).toBe("auth");
  });

  it("answers 401 for a forged token", async () => {
    const forged = new ApiClient(api.baseUrl);
    forged.token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    expect((await forged.request("POST", "/endpoint", clinicalSummary())).status).toBe(401);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await api.request("POST", "/endpoint", '{"Meta": {"DataModel": ');
    expect(response.status).toBe(400);
    expect(errorTexts(response)).toEqual(["(body): not valid JSON"]);
  });

  it("answers 400 naming Meta when it is missing", async () => {
    const { Meta: _meta, ...withoutMeta } = clinicalSummary();
    const response = await api.request("POST", "/endpoint", withoutMeta);
    expect(response.status).toBe(400);
    expect(errorTexts(response)[0]).toMatch(/^Meta: required/);
  });

  it("answers 400 for a JSON value that is not an object", async () => {
    const response = await api.request("POST", "/endpoint", "[1,2,3]");
    expect(response.status).toBe(400);
    expect(errorTexts(response)[0]).toMatch(/expected a JSON object/);
  });

  it("answers 400 naming Meta.DataModel when it is unknown", async () => {
    const payload = clinicalSummary();
    payload.Meta.DataModel = "Scheduling";
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response)[0]).toMatch(/^Meta\.DataModel: "Scheduling" is not supported/);
  });

  it("answers 400 naming Meta.EventType when it is unknown for the model", async () => {
    const payload = clinicalSummary();
    payload.Meta.EventType = "Query";
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response)[0]).toMatch(/^Meta\.EventType: "Query" is not supported for Clinical Summary/);
  });

  it("answers 400 naming every field of the wrong type", async () => {
    const payload = clinicalSummary();
    payload.Meta.Destinations[0].ID = 42;
    payload.Header.Patient.Demographics.DOB = "May 1st";
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    const texts = errorTexts(response);
    expect(texts.some((text) => text.startsWith("Meta.Destinations[0].ID: expected string, received number"))).toBe(
      true,
    );
  });

  it("answers 400 naming the date that is not a date", async () => {
    const payload = clinicalSummary();
    payload.Header.Patient.Demographics.DOB = "May 1st";
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response)[0]).toMatch(/^Header\.Patient\.Demographics\.DOB: expected a date/);
  });

  it("answers 400 for a recipient that is not a Direct address", async () => {
    const payload = clinicalSummary();
    payload.Header.DirectAddressTo = "john.slate at direct";
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response)[0]).toMatch(/^Header\.DirectAddressTo: expected a Direct address/);
  });

  it("answers 400 naming Header.DirectAddressTo when the recipient is missing", async () => {
    const payload = clinicalSummary();
    payload.Header.DirectAddressTo = null;
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response)).toEqual(["Header.DirectAddressTo: required: the recipient's Direct address"]);
  });

  it("answers 413 for a body over the size limit", async () => {
    const payload = clinicalSummary();
    payload.ProblemsText = "x".repeat(400_000);
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(413);
    expect(errorTexts(response)[0]).toMatch(/larger than the limit/);
  });

  it("answers 400 No subscriptions for a destination the source is not subscribed to", async () => {
    const other = await createTenant(conduit.ctx.db);
    const response = await api.request("POST", "/endpoint", clinicalSummary([other.destinationId]));
    expect(response.status).toBe(400);
    const error = response.json.Meta.Errors[0];
    expect(error.Text).toMatch(/^Meta\.Destinations\[0\]\.ID: No subscriptions/);
    expect(error.Module).toBe("Send");
    expect(await conduit.ctx.db.message.count({ where: { destinationId: other.destinationId } })).toBe(0);
  });

  it("answers 400 No subscriptions when the source is subscribed for the other data model only", async () => {
    const csOnly = await createTenant(conduit.ctx.db, { dataModels: ["Clinical Summary"] });
    const client = new ApiClient(api.baseUrl);
    await client.authenticate(csOnly.apiKey, csOnly.secret);
    const payload = mediaNew();
    payload.Meta.Destinations = [{ ID: csOnly.destinationId }];
    const response = await client.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(errorTexts(response)[0]).toMatch(/No subscriptions for Media/);
  });
});

describe("GET /messages/:id", () => {
  it("answers 404 for another organization's message and for ids that do not exist", async () => {
    const accepted = await api.request("POST", "/endpoint", clinicalSummary());
    const id = accepted.json.Meta.Logs[0].ID;
    const other = await createTenant(conduit.ctx.db);
    const client = new ApiClient(api.baseUrl);
    await client.authenticate(other.apiKey, other.secret);
    expect((await client.request("GET", `/messages/${id}`)).status).toBe(404);
    expect((await api.request("GET", "/messages/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await api.request("GET", "/messages/not-a-uuid")).status).toBe(404);
  });
});

describe("auth", () => {
  it("refuses the apps of a disabled organization, at sign-in and with tokens issued before", async () => {
    const other = await createTenant(conduit.ctx.db);
    const client = new ApiClient(api.baseUrl);
    await client.authenticate(other.apiKey, other.secret);
    await conduit.ctx.db.organization.update({ where: { id: other.orgId }, data: { disabledAt: new Date() } });
    const signIn = await client.request("POST", "/auth/authenticate", { apiKey: other.apiKey, secret: other.secret });
    expect(signIn.status).toBe(401);
    const payload = clinicalSummary([other.destinationId]);
    expect((await client.request("POST", "/endpoint", payload)).status).toBe(401);
  });

  it("refuses a wrong secret and exchanges a refresh token exactly once", async () => {
    const client = new ApiClient(api.baseUrl);
    expect(
      (await client.request("POST", "/auth/authenticate", { apiKey: tenant.apiKey, secret: "wrong" })).status,
    ).toBe(401);
    expect((await client.request("POST", "/auth/authenticate", { apiKey: tenant.apiKey })).status).toBe(400);
    const first = await client.request("POST", "/auth/authenticate", { apiKey: tenant.apiKey, secret: tenant.secret });
    expect(first.status).toBe(200);
    expect(new Date(first.json.expires).getTime()).toBeGreaterThan(Date.now());
    const refreshed = await client.request("POST", "/auth/refreshToken", {
      apiKey: tenant.apiKey,
      refreshToken: first.json.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.accessToken).toBeTruthy();
    const reused = await client.request("POST", "/auth/refreshToken", {
      apiKey: tenant.apiKey,
      refreshToken: first.json.refreshToken,
    });
    expect(reused.status).toBe(401);
  });
});
