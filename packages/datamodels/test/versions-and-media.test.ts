import { describe, expect, it } from "vitest";
import type { ClinicalSummaryPatientPush } from "../src/clinical-summary.js";
import { parseCcda } from "../src/ccda/parse-document.js";
import { nextDocumentVersion, renderClinicalSummaryCda } from "../src/ccda/render-document.js";
import { renderUnstructuredDocument } from "../src/ccda/render-unstructured.js";
import type { MediaDelete, MediaNew, MediaReplace } from "../src/media.js";
import { mediaAttachment, retractionNotice } from "../src/media-delivery.js";
import { parseRedoxRequest } from "../src/registry.js";
import { readFixtureJson } from "./fixtures.js";
import { schemaErrors } from "./xmllint.js";

const pdf = btoa("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

function validated<T>(body: Record<string, unknown>): T {
  const result = parseRedoxRequest(body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.message.payload as T;
}

function media<T>(path: string, eventType?: string): T {
  const body = structuredClone(readFixtureJson(path)) as Record<string, Record<string, unknown>>;
  body.Media!.FileContents = pdf;
  if (eventType) body.Meta!.EventType = eventType;
  return validated<T>(body);
}

describe("a document id pushed again becomes the next version of the same document", () => {
  const payload = validated<ClinicalSummaryPatientPush>(
    structuredClone(readFixtureJson("redox/samples/clinicalsummary-patientpush.json")) as never,
  );
  const first = payload.Header.Document!.ID!;
  const options = { fallbackDocumentId: "x", custodianName: "Conduit Test Clinic" };

  it("version 2 keeps the set, gets its own id and names its parent with RPLC, as the HL7 example does", () => {
    const version = nextDocumentVersion({ documentId: first });
    expect(version).toEqual({ setId: first, versionNumber: 2, parentDocumentId: first });
    const xml = renderClinicalSummaryCda(payload, { ...options, version });
    expect(schemaErrors(xml)).toEqual([]);
    const parsed = parseCcda(xml);
    expect(parsed.version).toEqual({ setId: first, versionNumber: 2, relation: "RPLC", parentDocumentId: first });
    expect(parsed.payload.Header.Document?.ID).toBe(`${first}.v2`);
  });

  it("version 3 replaces version 2, not the first", () => {
    const third = nextDocumentVersion({ documentId: `${first}.v2`, setId: first, versionNumber: 2 });
    const parsed = parseCcda(renderClinicalSummaryCda(payload, { ...options, version: third }));
    expect(parsed.version).toMatchObject({ versionNumber: 3, parentDocumentId: `${first}.v2`, setId: first });
  });
});

describe("Media over Direct", () => {
  it("New: the file travels as its own MIME type and name", () => {
    const attachment = mediaAttachment(media<MediaNew>("redox/samples/media-new.json"));
    expect(attachment).toEqual({ filename: "SamplePDF.pdf", contentType: "application/pdf", contentBase64: pdf });
  });

  it("New, wrapped when the destination asks: a valid C-CDA Unstructured Document carrying the file", () => {
    const xml = renderUnstructuredDocument(media<MediaNew>("redox/samples/media-new.json"), {
      custodianName: "Conduit Test Clinic",
    });
    expect(schemaErrors(xml)).toEqual([]);
    expect(xml).toContain('<templateId root="2.16.840.1.113883.10.20.22.1.10" extension="2015-08-01"/>');
    expect(xml).toContain(`<text mediaType="application/pdf" representation="B64">${pdf}</text>`);
    expect(xml).not.toContain("relatedDocument");
    const parsed = parseCcda(xml);
    expect(parsed.payload.NoteSections?.[0]?.Notes?.[0]).toEqual({ ContentType: "application/pdf", FileContents: pdf });
  });

  it("Replace: the new file plus the replacement relation naming the original document", () => {
    const payload = media<MediaReplace>("redox/samples/media-replace.json");
    const xml = renderUnstructuredDocument(payload, { custodianName: "Conduit Test Clinic" });
    expect(schemaErrors(xml)).toEqual([]);
    expect(parseCcda(xml).version).toEqual({
      setId: payload.Media.OriginalDocumentID,
      versionNumber: 2,
      relation: "RPLC",
      parentDocumentId: payload.Media.OriginalDocumentID,
    });
  });

  it("Delete: a retraction notice naming the document, since Direct cannot delete", () => {
    const body = structuredClone(readFixtureJson("redox/samples/media-new.json")) as Record<
      string,
      Record<string, unknown>
    >;
    body.Meta!.EventType = "Delete";
    delete body.Media!.FileContents;
    const payload = validated<MediaDelete>(body);
    const notice = retractionNotice(payload);
    expect(notice.subject).toBe(`Retraction of document ${payload.Media.DocumentID}`);
    expect(notice.text).toContain(`Document ID: ${payload.Media.DocumentID}`);
    expect(notice.text).toContain("cannot remove the document from your system");
    expect(notice.text).not.toContain(payload.Patient.Demographics?.LastName ?? "Bixby");
  });
});

describe("Media edge cases", () => {
  it("an upload reference is not sent as if it were the file", () => {
    const payload = media<MediaNew>("redox/samples/media-new.json");
    payload.Media.FileContents = "https://blob.redoxengine.com/upload/8f8b3d4e";
    expect(() => mediaAttachment(payload)).toThrow(/upload reference/);
  });

  it("the wrapper can point at the file travelling beside it instead of embedding it", () => {
    const xml = renderUnstructuredDocument(media<MediaNew>("redox/samples/media-new.json"), {
      custodianName: "Conduit Test Clinic",
      embed: false,
    });
    expect(schemaErrors(xml)).toEqual([]);
    expect(xml).toMatch(/<text mediaType="application\/pdf">\s*<reference value="SamplePDF.pdf"\/>\s*<\/text>/);
  });

  it("a file type C-CDA's Unstructured Document does not allow is refused, not wrapped", () => {
    const payload = media<MediaNew>("redox/samples/media-new.json");
    payload.Media.FileType = "ZIP";
    expect(() => renderUnstructuredDocument(payload, { custodianName: "Conduit Test Clinic" })).toThrow(
      /cannot travel in an Unstructured Document/,
    );
  });
});
