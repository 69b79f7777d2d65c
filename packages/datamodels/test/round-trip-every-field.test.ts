import { describe, expect, it } from "vitest";
import { clinicalSummaryVisitPushSchema } from "../src/clinical-summary.js";
import { parseCcda } from "../src/ccda/parse-document.js";
import { renderClinicalSummaryCda } from "../src/ccda/render-document.js";
import { kitchenSink } from "./kitchen-sink.js";
import { leaves, lostFields } from "./round-trip.js";
import { schemaErrors } from "./xmllint.js";

/**
 * Every field of the VisitPush model, filled, through CDA and back. Each field that does not come back must be
 * listed here with the reason; a listed reason that no longer matches anything fails too, so the list stays true.
 */
const notCarried: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /^Meta\./, why: "the envelope travels outside the document" },
  { pattern: /^Header\.DirectAddressFrom$/, why: "the envelope's sender, not a document field" },
  {
    pattern: /\.Identifiers\[\]\.Type$/,
    why: "II has root, extension and authority name; IDType travels as the authority name, Type nowhere",
  },
  {
    pattern: /\.Telecom\[\]\.(System|Use)$/,
    why: "TEL carries a URL scheme and HL7 use codes; free-text Use is dropped to keep the document valid",
  },
  {
    pattern: /^(Header\.Document\.Author|Header\.PCP|Encounters\[\]\.Providers\[\])\.(Location\..+|Type)$/,
    why: "assignedEntity has no place for a provider's location or type",
  },
  {
    pattern: /^Header\.(Document\.Custodian|Patient\.Organization)\.Type\./,
    why: "header organizations have no type code",
  },
  {
    pattern: /^Header\.Document\.(Type|TypeCode\..+)$/,
    why: "a VisitPush goes out as the C-CDA document type it is (Progress Note unless the sender named a C-CDA type)",
  },
  {
    pattern:
      /^Header\.Document\.Visit\.(Reason|Location\.(Bed|Department|Room|Facility|DepartmentIdentifiers\[\]\..+|FacilityIdentifiers\[\]\.Type))$/,
    why: "the encompassing encounter's location is one named place; the header has no visit reason",
  },
  {
    pattern: /^Header\.Patient\.(Demographics\.(Citizenship\[\]|IsHispanic)|Notes\[\])$/,
    why: "no CDA patient element (IsHispanic is written only as the ethnic group when no Ethnicity is given)",
  },
  {
    pattern: /^CareTeams\[\]\.(Encounter|Organization|Types\[\])\./,
    why: "the Care Team Organizer carries members, not the team's encounter, organization or types",
  },
  {
    pattern: /^(Discharge)?Medications\[\]\.(Frequency\.(EventCode|PeriodMax)|NumberOfRefillsRemaining|Prescription)$/,
    why: "PIVL_TS has one period (an event only when there is none); refills travel in the supply order; prescribed-vs-reported has no attribute",
  },
  {
    pattern:
      /^Goals\[\]\.(AchievementStatus\.|DateTime$|Units$|Value$|Milestones\[\]\.(AchievementStatus\.|DateTime$|Units$|Value$))/,
    why: "a goal has one value (the coded one when both are given) and one period; achievement status is not in Goal Observation 4.121",
  },
  {
    pattern: /^FunctionalStatus\.Observations\[\]\.(Value|Units)$/,
    why: "an observation has one value: the coded one when both are given",
  },
  {
    pattern: /^HealthConcerns\[\]\.(ConcernType|Interpretation|TargetSite\..+|Units|Value)$/,
    why: "Health Concern Act names the concern; measurements belong to observations",
  },
  {
    pattern: /^Insurances\[\]\.(AgreementType|GroupName|Insured\.SSN)$/,
    why: "no Policy Activity element; in the narrative table",
  },
  {
    pattern:
      /^MedicalEquipment\[\]\.(Procedure\..+|Product\.(?!Code|CodeSystem|CodeSystemName|Name|AltCodes|DeviceID).+)$/,
    why: "Product Instance carries the device code and UDI only",
  },
  {
    pattern: /^NoteSections\[\]\.Notes\[\]\./,
    why: "note sections go out as narrative sections; their Notes entries are not written",
  },
  {
    pattern: /^PlanOfCare\.(\w+)\[\]\.Status$/,
    why: "a planned item's status is its mood (Request, Intent...); other words come back as Request",
  },
  {
    pattern:
      /^Results\[\]\.(Encounter\..+|Specimen\.TargetSite\..+|Status|Observations\[\]\.(CodedValue\..+|Status|Units))$/,
    why: "no result encounter or specimen site; one value per observation; statuses come back as Redox's words (Final...)",
  },
  {
    pattern: /^SocialHistory\.Observations\[\]\.(Units|ValueText)$/,
    why: "one value per observation: the coded one when both are given",
  },
  {
    pattern: /^Assessment\.Diagnoses\[\]\.(Value|Codes\[\]\.AltCodes\[\]\..+)$/,
    why: "the diagnosis is its first code (the rest its translations); the free-text value is in the narrative",
  },
];

describe("every field of the model through CDA and back", () => {
  const before = kitchenSink(clinicalSummaryVisitPushSchema) as Record<string, Record<string, unknown>>;
  before.Meta!.Destinations = [{ ID: "destination" }];
  delete before.Meta!.Extensions;
  // Patients' e-mail addresses are `{ Address }` objects in Redox; providers' are strings.
  (
    (before.Header!.Patient as Record<string, Record<string, unknown>>).Demographics as Record<string, unknown>
  ).EmailAddresses = [{ Address: "patient@example.org" }];

  it("the filled payload is valid, and so is its CDA", () => {
    expect(clinicalSummaryVisitPushSchema.safeParse(before).error?.issues ?? []).toEqual([]);
    expect(
      schemaErrors(renderClinicalSummaryCda(before as never, { fallbackDocumentId: "x", custodianName: "Conduit" })),
    ).toEqual([]);
  });

  it("loses only the fields listed, each for its reason", () => {
    const after = parseCcda(
      renderClinicalSummaryCda(before as never, { fallbackDocumentId: "x", custodianName: "Conduit" }),
      { eventType: "VisitPush" },
    );
    expect(after.warnings).toEqual([]);
    const lost = lostFields(before, after.payload);
    expect(lost.filter((path) => !notCarried.some((entry) => entry.pattern.test(path)))).toEqual([]);
    expect(
      notCarried.filter((entry) => !lost.some((path) => entry.pattern.test(path))).map((entry) => entry.why),
    ).toEqual([]);
    // Everything else came back.
    const carried = [...leaves(before).keys()].filter((path) => !lost.includes(path.replace(/\[\d+\]/g, "[]")));
    console.log(`round trip: ${carried.length} of ${leaves(before).size} fields carried`);
    expect(carried.length).toBeGreaterThan(1000);
  });
});

describe("every text field holding spaces and markup characters", () => {
  const numeric = new Set([
    "DataModel",
    "EventType",
    "Quantity",
    "Value",
    "Low",
    "High",
    "Period",
    "AgeAtOnset",
    "NumberOfRefillsRemaining",
  ]);
  const hostile = (value: unknown, key = ""): unknown => {
    if (Array.isArray(value)) return value.map((item) => hostile(item, key));
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, hostile(item, name)]));
    if (
      typeof value !== "string" ||
      numeric.has(key) ||
      /(Date|DateTime|DOB|EstimatedDelivery)$/.test(key) ||
      /^DirectAddress/.test(key)
    )
      return value;
    return `${value} x<&>"' y`;
  };

  it("still renders a schema-valid document", () => {
    const payload = hostile(kitchenSink(clinicalSummaryVisitPushSchema)) as Record<string, Record<string, unknown>>;
    payload.Meta!.Destinations = [{ ID: "destination" }];
    delete payload.Meta!.Extensions;
    (
      (payload.Header!.Patient as Record<string, Record<string, unknown>>).Demographics as Record<string, unknown>
    ).EmailAddresses = [{ Address: "patient@example.org" }];
    expect(clinicalSummaryVisitPushSchema.safeParse(payload).error?.issues ?? []).toEqual([]);
    expect(
      schemaErrors(renderClinicalSummaryCda(payload as never, { fallbackDocumentId: "a b", custodianName: "C & D" })),
    ).toEqual([]);
  });
});
