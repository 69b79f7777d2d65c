import { describe, expect, it } from "vitest";
import { parseRedoxRequest, type ParseResult } from "../src/registry.js";
import { readFixtureJson } from "./fixtures.js";

const clinicalSummarySamples = [
  "redox/samples/clinicalsummary-patientpush.json",
  "redox/samples/redox-example-patientpush-timothy.json",
];
const mediaSamples = ["redox/samples/media-new.json", "redox/samples/media-replace.json"];

/** A tiny but real PDF header, base64: what a sender puts where the sample has its placeholder. */
const pdfBase64 = btoa("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

type Json = Record<string, unknown>;
const clone = (path: string) => structuredClone(readFixtureJson(path)) as Json;

function errorTexts(result: ParseResult): string[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors.map((error) => error.Text);
}

function withRealFile(path: string): Json {
  const body = clone(path);
  (body.Media as Json).FileContents = pdfBase64;
  return body;
}

describe("Redox sample payloads", () => {
  it.each(clinicalSummarySamples)("%s validates unchanged", (path) => {
    const result = parseRedoxRequest(clone(path));
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.message.eventType).toBe("PatientPush");
  });

  it.each(mediaSamples)("%s is refused only for its placeholder FileContents", (path) => {
    const texts = errorTexts(parseRedoxRequest(clone(path)));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^Media\.FileContents: expected valid base64/);
  });

  it.each(mediaSamples)("%s validates once real base64 replaces the placeholder", (path) => {
    const result = parseRedoxRequest(withRealFile(path));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("keeps the fields it does not model instead of dropping them", () => {
    const body = clone(clinicalSummarySamples[0]!);
    (body.Header as Json).VendorExtra = { kept: true };
    const result = parseRedoxRequest(body);
    expect(result.ok && (result.message.payload as unknown as { Header: Json }).Header.VendorExtra).toEqual({
      kept: true,
    });
  });
});

describe("mutated payloads fail with the exact path", () => {
  const patientPush = () => clone(clinicalSummarySamples[0]!);
  const header = (body: Json) => body.Header as Json;
  const demographics = (body: Json) => (header(body).Patient as Json).Demographics as Json;

  it("a bad date of birth", () => {
    const body = patientPush();
    demographics(body).DOB = "06/08/2012";
    expect(errorTexts(parseRedoxRequest(body))).toEqual([
      "Header.Patient.Demographics.DOB: expected a date such as 2012-08-06T04:00:00.000Z, 2012-08-06 or 20120806",
    ]);
  });

  it("an impossible calendar date", () => {
    const body = patientPush();
    demographics(body).DOB = "2012-02-30";
    expect(errorTexts(parseRedoxRequest(body))[0]).toMatch(/^Header\.Patient\.Demographics\.DOB: expected a date/);
  });

  it("a wrong type deep in a section", () => {
    const body = patientPush();
    ((body.Allergies as Json[])[1] as Json).IsNegativeIndicator = "no";
    expect(errorTexts(parseRedoxRequest(body))).toEqual([
      "Allergies[1].IsNegativeIndicator: expected boolean, received string",
    ]);
  });

  it("a bad Direct address", () => {
    const body = patientPush();
    header(body).DirectAddressTo = "dr smith@direct.example.org";
    expect(errorTexts(parseRedoxRequest(body))[0]).toMatch(/^Header\.DirectAddressTo: expected a Direct address/);
  });

  it("several failures are all listed", () => {
    const body = patientPush();
    demographics(body).DOB = "yesterday";
    demographics(body).IsDeceased = "false";
    ((body.Medications as Json[])[0] as Json).StartDate = "2012-13-01";
    const texts = errorTexts(parseRedoxRequest(body));
    expect(texts.map((text) => text.split(":")[0])).toEqual([
      "Header.Patient.Demographics.DOB",
      "Header.Patient.Demographics.IsDeceased",
      "Medications[0].StartDate",
    ]);
  });

  it.each(["FileType", "FileName", "DocumentType", "DocumentID", "Provider"])("Media without %s", (field) => {
    const body = withRealFile(mediaSamples[0]!);
    delete (body.Media as Json)[field];
    const texts = errorTexts(parseRedoxRequest(body));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(new RegExp(`^Media\\.${field}: `));
  });

  it("Media Replace without OriginalDocumentID", () => {
    const body = withRealFile(mediaSamples[1]!);
    delete (body.Media as Json).OriginalDocumentID;
    expect(errorTexts(parseRedoxRequest(body))).toEqual([
      "Media.OriginalDocumentID: expected the id of the document this one replaces",
    ]);
  });

  it("bad base64", () => {
    const body = withRealFile(mediaSamples[0]!);
    (body.Media as Json).FileContents = "JVBERi0x*&^";
    expect(errorTexts(parseRedoxRequest(body))[0]).toMatch(/^Media\.FileContents: expected valid base64/);
  });

  it("content that is not the declared FileType", () => {
    const body = withRealFile(mediaSamples[0]!);
    (body.Media as Json).FileType = "PNG";
    expect(errorTexts(parseRedoxRequest(body))).toEqual([
      "Media.FileContents: the content is not a PNG file (its first bytes do not match FileType)",
    ]);
  });

  it("an upload reference instead of inline base64 is accepted", () => {
    const body = withRealFile(mediaSamples[0]!);
    (body.Media as Json).FileContents = "https://blob.redoxengine.com/upload/8f8b3d4e";
    expect(parseRedoxRequest(body).ok).toBe(true);
  });

  it("Media Delete needs no file", () => {
    const body = clone(mediaSamples[0]!);
    (body.Meta as Json).EventType = "Delete";
    delete (body.Media as Json).FileContents;
    const result = parseRedoxRequest(body);
    expect(result.ok ? result.message.eventType : result.errors).toBe("Delete");
  });

  it("a VisitPush is recognised and validated against its own sections", () => {
    const body = patientPush();
    (body.Meta as Json).EventType = "VisitPush";
    body.ChiefComplaintText = "Headache";
    body.AdmissionDiagnosis = [{ Code: "R51", CodeSystem: "2.16.840.1.113883.6.90", Name: "Headache" }];
    const result = parseRedoxRequest(body);
    expect(result.ok ? result.message.eventType : result.errors).toBe("VisitPush");
    body.AdmissionDiagnosis = [{ Code: 51 }];
    expect(errorTexts(parseRedoxRequest(body))).toEqual([
      "AdmissionDiagnosis[0].Code: expected string, received number",
    ]);
  });
});

describe("tolerant where real senders vary", () => {
  const patientPush = () => clone(clinicalSummarySamples[1]!);

  it.each(["M", "F", "Male", "Female", "Unknown"])("Sex %s", (sex) => {
    const body = patientPush();
    (((body.Header as Json).Patient as Json).Demographics as Json).Sex = sex;
    expect(parseRedoxRequest(body).ok).toBe(true);
  });

  it.each(["2012-08-06T04:00:00.000Z", "2012-08-06", "20120806", "201208061015-0500", null])("DOB %s", (dob) => {
    const body = patientPush();
    (((body.Header as Json).Patient as Json).Demographics as Json).DOB = dob;
    expect(parseRedoxRequest(body).ok).toBe(true);
  });

  it("an NPI whose check digit is wrong, as in Redox's own samples", () => {
    const body = patientPush();
    ((body.Header as Json).PCP as Json) = { ID: "4356789876", IDType: "NPI", FirstName: "Pat", LastName: "Granite" };
    expect(parseRedoxRequest(body).ok).toBe(true);
  });

  it("numbers sent as strings, and as numbers", () => {
    const body = patientPush();
    ((body.Medications as Json[])[0] as Json).Dose = { Quantity: 4, Units: "mg" };
    expect(parseRedoxRequest(body).ok).toBe(true);
    ((body.Medications as Json[])[0] as Json).Dose = { Quantity: "four", Units: "mg" };
    expect(errorTexts(parseRedoxRequest(body))).toEqual(["Medications[0].Dose.Quantity: expected a number"]);
  });

  it("a file over the size limit is refused by size", () => {
    const body = withRealFile(mediaSamples[0]!);
    (body.Media as Json).FileContents = "JVBERi0x" + "A".repeat(14 * 1024 * 1024);
    expect(errorTexts(parseRedoxRequest(body))).toEqual(["Media.FileContents: the file is larger than 10 MB"]);
  });
});

describe("errors say what each alternative expected", () => {
  it("an e-mail address that is neither a string nor { Address }", () => {
    const body = clone(clinicalSummarySamples[0]!);
    (((body.Header as Json).Patient as Json).Demographics as Json).EmailAddresses = [42];
    expect(errorTexts(parseRedoxRequest(body))).toEqual([
      "Header.Patient.Demographics.EmailAddresses[0]: expected string, received number, or expected object, received number",
    ]);
  });
});

describe("patient identifiers", () => {
  it("ClinicalSummary tolerates a null identifier, as Redox's schema does", () => {
    const body = clone(clinicalSummarySamples[0]!);
    ((body.Header as Json).Patient as Json).Identifiers = [{ ID: null, IDType: "MR" }];
    expect(parseRedoxRequest(body).ok).toBe(true);
  });

  it("Media requires each identifier's ID and IDType", () => {
    const body = withRealFile(mediaSamples[0]!);
    (body.Patient as Json).Identifiers = [{ ID: "0000000001" }];
    expect(errorTexts(parseRedoxRequest(body))).toEqual([
      "Patient.Identifiers[0].IDType: expected the identifier's type, such as MR",
    ]);
  });
});
