import { describe, expect, it } from "vitest";
import type { ClinicalSummaryPatientPush } from "../src/clinical-summary.js";
import { parseCcda } from "../src/ccda/parse-document.js";
import { renderClinicalSummaryCda } from "../src/ccda/render-document.js";
import { parseRedoxRequest } from "../src/registry.js";
import { readFixtureJson } from "./fixtures.js";
import { lostFields } from "./round-trip.js";
import { schemaErrors } from "./xmllint.js";

const options = { fallbackDocumentId: "fallback-1", custodianName: "Conduit Test Clinic" };

/**
 * What CDA does not carry, on purpose. The envelope (Meta, the sender's Direct address) travels outside the
 * document; the rest has no CDA element and is written to the narrative only.
 */
const notCarried = [
  "Header.DirectAddressFrom", // the envelope's sender, not a document field
  "Header.Document.Locale", // written as languageCode: `US` goes out as `en-US` and comes back so
  "Insurances[].GroupName", // Policy Activity has no group name element; it is in the narrative table
  "Medications[].Prescription", // no CDA equivalent (prescribed vs reported is not a Medication Activity attribute)
  "Meta.Destinations[].ID",
  "Meta.Destinations[].Name",
  "Meta.EventDateTime",
  "Meta.Message.ID",
  "Meta.Source.ID",
  "Meta.Source.Name",
  "Meta.Test",
  "Meta.Transmission.ID",
];

function sample(path: string): ClinicalSummaryPatientPush {
  const result = parseRedoxRequest(structuredClone(readFixtureJson(path)));
  if (!result.ok) throw new Error(`sample ${path} did not validate`);
  return result.message.payload as ClinicalSummaryPatientPush;
}

describe("ClinicalSummary -> CDA -> ClinicalSummary keeps every field CDA can carry", () => {
  it.each(["redox/samples/clinicalsummary-patientpush.json", "redox/samples/redox-example-patientpush-timothy.json"])(
    "%s",
    (path) => {
      const before = sample(path);
      const after = parseCcda(renderClinicalSummaryCda(before, options));
      expect(after.warnings).toEqual([]);
      // EncountersText holds `&#xD;` as literal text in the sample; it comes back as the character it names.
      expect(lostFields(before, after.payload)).toEqual([...notCarried, "EncountersText"].sort());
    },
  );

  it("the sections the samples lack, as a VisitPush", () => {
    const base = sample("redox/samples/clinicalsummary-patientpush.json");
    // A visit goes out as a Progress Note, not a CCD.
    const progressNote = {
      Code: "11506-3",
      CodeSystem: "2.16.840.1.113883.6.1",
      CodeSystemName: "LOINC",
      Name: "Progress Note",
    };
    base.Header.Document = { ...base.Header.Document, Type: "Progress Note", TypeCode: progressNote };
    const before = {
      ...base,
      Meta: { DataModel: "Clinical Summary", EventType: "VisitPush", Destinations: [{ ID: "d1" }] },
      ResolvedProblems: [
        {
          Code: "195967001",
          CodeSystem: "2.16.840.1.113883.6.96",
          Name: "Asthma",
          StartDate: "2001",
          EndDate: "2010-05",
          Status: { Code: "413322009", CodeSystem: "2.16.840.1.113883.6.96", Name: "Resolved" },
        },
      ],
      MedicalHistoryText: "<paragraph>Childhood asthma.</paragraph>",
      FunctionalStatus: {
        Observations: [
          {
            Code: "57251-9",
            CodeSystem: "2.16.840.1.113883.6.1",
            Name: "Walking",
            CodedValue: { Code: "371151008", CodeSystem: "2.16.840.1.113883.6.96", Name: "Independent" },
            DateTime: "2012-08-06",
          },
        ],
      },
      Goals: [
        {
          Code: "289169006",
          CodeSystem: "2.16.840.1.113883.6.96",
          Name: "Weight loss",
          Value: "80",
          Units: "kg",
          StartDate: "2012-08-06",
          EndDate: "2013-08-06",
          Priority: { Code: "394849002", CodeSystem: "2.16.840.1.113883.6.96", Name: "High priority" },
        },
      ],
      HealthConcerns: [
        {
          Code: "73211009",
          CodeSystem: "2.16.840.1.113883.6.96",
          Name: "Diabetes",
          Status: "active",
          StartDate: "2012-01-01",
        },
      ],
      CareTeams: [
        {
          Name: "Primary care team",
          Status: "active",
          Members: [
            {
              FirstName: "Henry",
              LastName: "Seven",
              Identifiers: [{ ID: "1234567893", IDType: "NPI" }],
              Roles: [{ Code: "PCP", CodeSystem: "2.16.840.1.113883.5.88", Name: "Primary care physician" }],
              StartDateTime: "2012-01-01",
            },
          ],
        },
      ],
      NoteSections: [
        {
          Code: "8648-8",
          CodeSystem: "2.16.840.1.113883.6.1",
          Title: "Hospital course",
          Text: "<paragraph>Uneventful.</paragraph>",
        },
      ],
      SocialHistory: { Pregnancy: [{ StartDate: "2012-05-01", EstimatedDelivery: "2013-02-01" }] },
      ChiefComplaintText: "<paragraph>Cough for three days</paragraph>",
      ReasonForVisit: [{ Code: "49727002", CodeSystem: "2.16.840.1.113883.6.96", Name: "Cough" }],
      AdmissionDiagnosis: [
        { Code: "233604007", CodeSystem: "2.16.840.1.113883.6.96", Name: "Pneumonia", StartDate: "2012-08-06" },
      ],
      DischargeDiagnosis: [
        { Code: "233604007", CodeSystem: "2.16.840.1.113883.6.96", Name: "Pneumonia", IsNegativeIndicator: true },
      ],
      DischargeMedications: [
        {
          Product: { Code: "1191", CodeSystem: "2.16.840.1.113883.6.88", Name: "aspirin" },
          FreeTextSig: "Once daily",
          StartDate: "2012-08-10",
          IsPRN: true,
        },
      ],
      MedicationsAdministered: [
        {
          Product: { Code: "1191", CodeSystem: "2.16.840.1.113883.6.88", Name: "aspirin" },
          StartDate: "2012-08-07",
          ReasonNotGiven: "Patient refused",
        },
      ],
      Instructions: [
        { Code: "311401005", CodeSystem: "2.16.840.1.113883.6.96", Name: "Patient education", Text: "Rest and fluids" },
      ],
      Assessment: {
        Diagnoses: [
          {
            Value: "Pneumonia",
            Codes: [{ Code: "233604007", CodeSystem: "2.16.840.1.113883.6.96", Name: "Pneumonia" }],
            DateTime: "2012-08-06",
          },
        ],
      },
    };
    const validated = parseRedoxRequest(before);
    expect(validated.ok ? [] : validated.errors).toEqual([]);
    const xml = renderClinicalSummaryCda(before as never, options);
    expect(schemaErrors(xml)).toEqual([]);
    const after = parseCcda(xml, { eventType: "VisitPush" });
    expect(after.warnings).toEqual([]);
    expect(lostFields(before, after.payload).filter((path) => !path.startsWith("Meta."))).toEqual(
      [...notCarried.filter((path) => !path.startsWith("Meta.")), "EncountersText"].sort(),
    );
  });
});
