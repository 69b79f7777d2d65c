import { describe, expect, it } from "vitest";
import type {
  AllergyIntolerance,
  Bundle,
  Composition,
  Condition,
  Coverage,
  FamilyMemberHistory,
  MedicationStatement,
  Observation,
  Patient,
} from "@medplum/fhirtypes";
import { parseCcda } from "../ccda/parse-document.js";
import type { ClinicalSummaryPatientPush } from "../clinical-summary.js";
import { parseRedoxRequest } from "../registry.js";
import { readFixtureJson, readFixtureText } from "../../test/fixtures.js";
import { clinicalSummaryToFhirBundle, fhirDateTime } from "./bundle.js";

function resources<T>(bundle: Bundle, type: string): T[] {
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource) => resource?.resourceType === type) as T[];
}

describe("ClinicalSummary as a FHIR R4 document Bundle", () => {
  const sample = parseRedoxRequest(structuredClone(readFixtureJson("redox/samples/clinicalsummary-patientpush.json")));
  if (!sample.ok) throw new Error("sample did not validate");
  const bundle = clinicalSummaryToFhirBundle(sample.message.payload as ClinicalSummaryPatientPush);

  it("is a document: Composition first, every section reference resolving inside the bundle", () => {
    expect(bundle.type).toBe("document");
    const composition = bundle.entry![0]!.resource as Composition;
    expect(composition.resourceType).toBe("Composition");
    const fullUrls = new Set(bundle.entry!.map((entry) => entry.fullUrl));
    const references = composition
      .section!.flatMap((section) => section.entry ?? [])
      .map((reference) => reference.reference);
    expect(references.length).toBeGreaterThan(20);
    expect(references.filter((reference) => !fullUrls.has(reference))).toEqual([]);
    expect(composition.section!.map((section) => section.code?.coding?.[0]?.code)).toEqual(
      expect.arrayContaining(["48765-2", "11450-4", "10160-0", "30954-2"]),
    );
  });

  it("carries the patient and coded clinical data with FHIR code system URIs", () => {
    const [patient] = resources<Patient>(bundle, "Patient");
    expect(patient).toMatchObject({
      name: [{ given: ["Myra"], family: "Jones" }],
      gender: "female",
      birthDate: "1947-05-01",
    });
    const allergies = resources<AllergyIntolerance>(bundle, "AllergyIntolerance");
    expect(allergies[0]!.code!.coding![0]).toEqual({
      system: "http://www.nlm.nih.gov/research/umls/rxnorm",
      code: "7982",
      display: "Penicillin G benzathine",
    });
    expect(allergies[0]!.criticality).toBe("high");
    const observations = resources<Observation>(bundle, "Observation");
    expect(observations.find((item) => item.code.coding?.[0]?.code === "26515-7")).toMatchObject({
      valueQuantity: { value: 123 },
      interpretation: [{ coding: [{ code: "L" }] }],
    });
  });

  it("family history, coverage and the rest of the sections the sample has", () => {
    const [relative] = resources<FamilyMemberHistory>(bundle, "FamilyMemberHistory");
    expect(relative).toMatchObject({ relationship: { coding: [{ code: "FTH" }] }, deceasedBoolean: true });
    expect(relative!.condition![0]).toMatchObject({
      code: { coding: [{ code: "22298006" }] },
      onsetAge: { value: 57, unit: "a" },
    });
    const [coverage] = resources<Coverage>(bundle, "Coverage");
    expect(coverage!.class!.map((item) => item.value)).toEqual(["847025-024-0009", "31572"]);
  });

  it("an inbound C-CDA's negations stay negations in FHIR", () => {
    const parsed = parseCcda(readFixtureText("ccda/CCD Parent Document Replace (C-CDAR2.1).xml"));
    const fhir = clinicalSummaryToFhirBundle(parsed.payload);
    const [allergy] = resources<AllergyIntolerance>(fhir, "AllergyIntolerance");
    expect(allergy!.verificationStatus?.coding?.[0]?.code).toBe("refuted");
    expect(allergy!.clinicalStatus).toBeUndefined();
    const [condition] = resources<Condition>(fhir, "Condition");
    expect(condition!.verificationStatus?.coding?.[0]?.code).toBe("refuted");
    const [medication] = resources<MedicationStatement>(fhir, "MedicationStatement");
    expect(medication!.status).toBe("not-taken");
  });

  it("writes dates FHIR accepts, keeping precision", () => {
    expect(fhirDateTime("20120806")).toBe("2012-08-06");
    expect(fhirDateTime("2012")).toBe("2012");
    expect(fhirDateTime("2014-10-03T10:30:26-05:00")).toBe("2014-10-03T10:30:26-05:00");
    expect(fhirDateTime("201410031030-0500")).toBe("2014-10-03T10:30:00-05:00");
    // A local time without a zone cannot be a FHIR dateTime; the date it is on can.
    expect(fhirDateTime("20141003103026")).toBe("2014-10-03");
  });
});
