import { readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initConduit, type Conduit } from "../src/lifecycle.js";
import { readFixtureJson } from "./support/fixtures.js";
import { ApiClient } from "./support/http.js";
import { createTenant, type TestTenant } from "./support/tenant.js";
import { createTestEnv, waitFor, type TestEnv } from "./support/test-env.js";

/** What goes out for each event of a push-only channel: versions, visit documents, replacements, retractions. */
let env: TestEnv;
let conduit: Conduit;
let api: ApiClient;
let tenant: TestTenant;
const pdf = Buffer.from("%PDF-1.4\n% corrected\n%%EOF\n");
const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true });

beforeAll(async () => {
  env = await createTestEnv();
  conduit = await initConduit(env.config, { api: true, worker: true, migrate: false });
  tenant = await createTenant(conduit.ctx.db, { settings: { directory: path.join(env.varDir, "outbox") } });
  api = new ApiClient(`http://127.0.0.1:${conduit.port}`);
  await api.authenticate(tenant.apiKey, tenant.secret);
});

afterAll(async () => {
  await conduit?.close();
  await env?.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function send(payload: Record<string, any>) {
  payload.Meta.Destinations = [{ ID: tenant.destinationId }];
  const response = await api.request("POST", "/endpoint", payload);
  expect(response.status, response.text).toBe(200);
  const id = response.json.Meta.Logs[0].ID as string;
  await waitFor(async () => ((await api.request("GET", `/messages/${id}`)).json.status === "sent" ? true : undefined));
  return simpleParser(await readFile(path.join(env.varDir, "outbox", `${id}.eml`)));
}

const summary = () => readFixtureJson<any>("redox/samples/clinicalsummary-patientpush.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const media = (eventType: "New" | "Replace" | "Delete") => {
  const payload = readFixtureJson<any>(`redox/samples/media-${eventType === "Replace" ? "replace" : "new"}.json`); // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.Meta.EventType = eventType;
  payload.Media.DirectAddressTo = "records@direct.receiver.example";
  if (eventType === "Delete") delete payload.Media.FileContents;
  else payload.Media.FileContents = pdf.toString("base64");
  return payload;
};

function cdaOf(mail: Awaited<ReturnType<typeof simpleParser>>, filename: string) {
  const attachment = mail.attachments.find((candidate) => candidate.filename === filename);
  expect(attachment, `${filename} attached`).toBeTruthy();
  return xml.parse(attachment!.content.toString("utf8")).ClinicalDocument;
}

describe("documents over a push-only channel", () => {
  it("sends a document id pushed again as its next version, replacing the first", async () => {
    const first = cdaOf(await send(summary()), "ccda.xml");
    expect(first.versionNumber["@_value"]).toBe("1");
    const second = cdaOf(await send(summary()), "ccda.xml");
    expect(second.versionNumber["@_value"]).toBe("2");
    expect(second.setId["@_extension"]).toBe(first.setId["@_extension"]);
    expect(second.relatedDocument["@_typeCode"]).toBe("RPLC");
    expect(second.relatedDocument.parentDocument.id["@_extension"]).toBe(first.id["@_extension"]);
    const third = cdaOf(await send(summary()), "ccda.xml");
    expect(third.versionNumber["@_value"]).toBe("3");
    expect(third.relatedDocument.parentDocument.id["@_extension"]).toBe(second.id["@_extension"]);
  });

  it("sends a VisitPush as a visit document", async () => {
    const payload = summary();
    payload.Meta.EventType = "VisitPush";
    payload.Header.Document.ID = "visit-document-1";
    const document = cdaOf(await send(payload), "ccda.xml");
    expect(document.code["@_code"]).not.toBe("34133-9");
  });

  it("sends a Media Replace as the new file plus a document that replaces the original", async () => {
    const payload = media("Replace");
    const mail = await send(payload);
    const file = mail.attachments.find((attachment) => attachment.contentType === "application/pdf");
    expect(file?.content.equals(pdf)).toBe(true);
    const wrapper = cdaOf(mail, "document.xml");
    expect(wrapper.relatedDocument["@_typeCode"]).toBe("RPLC");
    expect(wrapper.relatedDocument.parentDocument.id["@_extension"]).toBe(payload.Media.OriginalDocumentID);
  });

  it("sends a Media Delete as a retraction notice naming the document", async () => {
    const payload = media("Delete");
    const mail = await send(payload);
    expect(mail.attachments).toHaveLength(0);
    expect(mail.text).toContain(payload.Media.DocumentID);
  });

  it("refuses an upload reference in FileContents, naming the field", async () => {
    const payload = media("New");
    payload.Media.FileContents = "https://uploads.example.org/abc";
    payload.Meta.Destinations = [{ ID: tenant.destinationId }];
    const response = await api.request("POST", "/endpoint", payload);
    expect(response.status).toBe(400);
    expect(response.json.Meta.Errors[0].Text).toMatch(/^Media\.FileContents: upload references are not supported/);
  });
});
