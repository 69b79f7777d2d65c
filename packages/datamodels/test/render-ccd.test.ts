import { describe, expect, it } from "vitest";
import type { ClinicalSummaryPatientPush } from "../src/clinical-summary.js";
import { renderClinicalSummaryCda } from "../src/ccda/render-document.js";
import { parseRedoxRequest } from "../src/registry.js";
import { readFixtureJson } from "./fixtures.js";
import { schemaErrors } from "./xmllint.js";

const samples = [
  "redox/samples/clinicalsummary-patientpush.json",
  "redox/samples/redox-example-patientpush-timothy.json",
];
const options = {
  fallbackDocumentId: "fallback-1",
  custodianName: "Conduit Test Clinic",
  now: new Date("2024-05-01T12:00:00Z"),
};

function payloadOf(path: string): ClinicalSummaryPatientPush {
  const result = parseRedoxRequest(structuredClone(readFixtureJson(path)));
  if (!result.ok || result.message.eventType !== "PatientPush") throw new Error(`sample ${path} did not validate`);
  return result.message.payload;
}

/** Section elements by LOINC code, and their entry counts, read with plain string search. */
function sectionEntryCounts(xml: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const chunk of xml.split("<section").slice(1)) {
    const code = /<code code="([^"]+)"/.exec(chunk)?.[1] ?? "?";
    const body = chunk.split("</section>")[0]!;
    counts[code] = (body.match(/<entry /g) ?? []).length;
  }
  return counts;
}

describe("ClinicalSummary -> C-CDA R2.1 CCD", () => {
  it.each(samples)("%s renders a CCD that validates against CDA_SDTC.xsd", (path) => {
    const xml = renderClinicalSummaryCda(payloadOf(path), options);
    expect(schemaErrors(xml)).toEqual([]);
  });

  it("writes a coded entry for every item of every section, referenced from the narrative", () => {
    const payload = payloadOf(samples[0]!);
    const xml = renderClinicalSummaryCda(payload, options);
    const counts = sectionEntryCounts(xml);
    expect(counts["48765-2"]).toBe(payload.Allergies!.length);
    expect(counts["11450-4"]).toBe(payload.Problems!.length);
    expect(counts["10160-0"]).toBe(payload.Medications!.length);
    expect(counts["30954-2"]).toBe(payload.Results!.length);
    expect(counts["11369-6"]).toBe(payload.Immunizations!.length);
    expect(counts["8716-3"]).toBe(payload.VitalSigns!.length);
    expect(counts["46240-8"]).toBe(payload.Encounters!.length);
    expect(counts["47519-4"]).toBe(3);
    expect(counts["10157-6"]).toBe(payload.FamilyHistory!.length);
    expect(counts["42348-3"]).toBe(payload.AdvanceDirectives!.length);
    // Every narrative reference points at an ID that exists.
    const ids = new Set([...xml.matchAll(/ ID="([^"]+)"/g)].map((match) => match[1]));
    const references = [...xml.matchAll(/<reference value="#([^"]+)"/g)].map((match) => match[1]);
    expect(references.length).toBeGreaterThan(50);
    expect(references.filter((reference) => !ids.has(reference))).toEqual([]);
  });

  it("carries codes with their code systems, dates with their precision, statuses and the sender's narrative", () => {
    const xml = renderClinicalSummaryCda(payloadOf(samples[0]!), options);
    expect(xml).toContain(
      'code="7982" codeSystem="2.16.840.1.113883.6.88" codeSystemName="RxNorm" displayName="Penicillin G benzathine"',
    );
    expect(xml).toContain('<translation code="J18.9" codeSystem="2.16.840.1.113883.6.90"');
    expect(xml).toContain('<birthTime value="19470501"/>');
    expect(xml).toContain('<low value="20120806040000.000+0000"/>');
    expect(xml).toContain('<value xsi:type="PQ" value="10.2" unit="g/dl"/>');
    expect(xml).toContain('<interpretationCode code="L" codeSystem="2.16.840.1.113883.5.83"');
    expect(xml).toContain('<td ID="AllergyText.reaction1">Hives</td>');
  });

  it("writes the recipient, the author's NPI as sent and a US Realm header", () => {
    const xml = renderClinicalSummaryCda(payloadOf(samples[0]!), options);
    expect(xml).toContain('<telecom use="WP" value="mailto:john.slate@direct.redoxengine.com"/>');
    expect(xml).toContain('<id root="2.16.840.1.113883.4.6" extension="4356789876" assigningAuthorityName="NPI"/>');
    expect(xml).toContain('<templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/>');
    expect(xml).not.toContain("2.16.840.1.113883.3.9999");
  });

  it("marks a negated allergy with negationInd and writes required CCD sections as nullFlavor NI when empty", () => {
    const payload = payloadOf(samples[0]!);
    payload.Allergies = [
      {
        Substance: { Code: "7980", CodeSystem: "2.16.840.1.113883.6.88", Name: "Penicillin G" },
        IsNegativeIndicator: true,
      },
    ];
    payload.Results = [];
    payload.ResultText = null;
    const xml = renderClinicalSummaryCda(payload, options);
    expect(xml).toMatch(
      /<observation classCode="OBS" moodCode="EVN" negationInd="true">\s*<templateId root="2.16.840.1.113883.10.20.22.4.7"/,
    );
    expect(xml).toMatch(/<section nullFlavor="NI">\s*<templateId root="2.16.840.1.113883.10.20.22.2.3.1"/);
    expect(schemaErrors(xml)).toEqual([]);
  });

  it("renders the same payload to the same document", () => {
    const payload = payloadOf(samples[1]!);
    expect(renderClinicalSummaryCda(payload, options)).toBe(renderClinicalSummaryCda(payload, options));
  });
});

describe("whatever a sender puts in free-text fields, the CDA stays schema-valid", () => {
  it("codes and units with spaces, odd numbers, words where codes go, markup and control characters in text", () => {
    const payload = payloadOf(samples[0]!);
    payload.Header.Patient.Demographics!.FirstName = "O'Brien & <Sons>\u0001";
    payload.Header.Patient.Demographics!.Language = "en US";
    payload.Allergies![0]!.Substance = { Code: "PEN G 1", CodeSystem: "local", Name: "Penicillin G" };
    payload.Medications![0]!.Dose = { Quantity: "4", Units: "mg per day" };
    payload.Medications![0]!.Frequency = { EventCode: "before meals" };
    payload.Medications![0]!.SupplyOrder = { NumberOfRefillsRemaining: 2.5, Quantity: "30", Units: "tablet s" };
    payload.Results![0]!.Observations![0]!.Units = "g per dl";
    payload.Results![0]!.Observations![0]!.ReferenceRange = { Low: "12", High: "16", Text: "12 < x < 16 & normal" };
    payload.Header.Document!.Custodian = { Name: "Clinic", Telecom: [{ Value: "+1 555 0100", Use: "Front desk" }] };
    payload.AllergyText =
      '<table><tr><td ID=\'1bad\'>x</td><td ID="dup">y</td><td ID="dup">z</td></tr></table><script>alert(1)</script>';
    const xml = renderClinicalSummaryCda(payload, options);
    expect(schemaErrors(xml)).toEqual([]);
    expect(xml).toContain("<given>O'Brien &amp; &lt;Sons&gt;</given>");
    expect(xml).toContain('<doseQuantity value="4" unit="mgperday"/>');
    expect(xml).toContain('nullFlavor="OTH" displayName="Penicillin G"');
  });
});
