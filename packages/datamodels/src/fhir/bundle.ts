import type {
  AllergyIntolerance,
  Bundle,
  BundleEntry,
  CodeableConcept,
  Composition,
  CompositionSection,
  Condition,
  Coverage,
  DiagnosticReport,
  Encounter,
  FamilyMemberHistory,
  Goal,
  Identifier,
  Immunization,
  MedicationStatement,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Procedure,
  Reference,
  Resource,
} from "@medplum/fhirtypes";
import type { ClinicalSummaryPatientPush } from "../clinical-summary.js";
import type { Address, Code, Identifier as RedoxIdentifier, Provider } from "../common.js";
import { codeSystemOid } from "../ccda/code-systems.js";
import { fromHl7Time, toHl7Time } from "../ccda/hl7-time.js";
import { identifierRoot, nameUuid } from "../ccda/ids.js";
import { idRoots } from "../ccda/oids.js";
import { sectionDefinitions } from "../ccda/section-codes.js";
import { interpretationCode } from "../ccda/value-sets.js";
import { fhirSystem } from "./code-systems.js";

/**
 * A ClinicalSummary as a FHIR R4 document Bundle: a Composition first, then the resources its sections reference.
 * Built from the same parsed model as everything else, so an inbound C-CDA can be delivered as FHIR too.
 * Negation keeps its meaning: a negated allergy or problem is `verificationStatus: refuted`, a vaccine not given is
 * `not-done`, a medication not taken `not-taken`.
 */
export interface FhirBundleOptions {
  /** Bundle timestamp when the payload has no Document.DateTime. */
  now?: Date;
}

/** FHIR dateTime from a Redox date: same precision; a time without zone is cut to its date, as FHIR requires a zone. */
export function fhirDateTime(value: string | null | undefined): string | undefined {
  const iso = fromHl7Time(toHl7Time(value));
  if (!iso) return undefined;
  if (iso.includes("T") && !/(Z|[+-]\d{2}:\d{2})$/.test(iso)) return iso.slice(0, 10);
  // FHIR needs seconds when a time is given.
  return iso.replace(/T(\d{2}):(\d{2})(Z|[+-])/, "T$1:$2:00$3");
}

function codeable(code: Partial<Code> | null | undefined): CodeableConcept | undefined {
  if (!code || !(code.Code || code.Name)) return undefined;
  const coding = [code, ...(code.AltCodes ?? [])]
    .filter((item) => item.Code)
    .map((item) => ({
      system: fhirSystem(codeSystemOid(item.CodeSystem, item.CodeSystemName)),
      code: item.Code!,
      display: item.Name ?? undefined,
    }));
  return { coding: coding.length ? coding : undefined, text: code.Name ?? undefined };
}

function identifiers(ids: readonly Partial<RedoxIdentifier>[] | null | undefined): Identifier[] | undefined {
  const out = (ids ?? [])
    .filter((id) => id.ID)
    .map((id) => ({
      system: fhirSystem(identifierRoot(id.IDType)),
      value: id.ID!,
      type: id.IDType ? { text: id.IDType } : undefined,
    }));
  return out.length ? out : undefined;
}

function address(value: Partial<Address> | null | undefined) {
  if (!value) return undefined;
  return [
    {
      line: value.StreetAddress ? value.StreetAddress.split(/\r?\n/) : undefined,
      city: value.City ?? undefined,
      state: value.State ?? undefined,
      postalCode: value.ZIP ?? undefined,
      district: value.County ?? undefined,
      country: value.Country ?? undefined,
    },
  ];
}

const clinical = (code: string) => ({
  coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code }],
});
const allergyClinical = (code: string) => ({
  coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code }],
});
const refuted = (system: string) => ({ coding: [{ system, code: "refuted" }] });

function isActive(status: Partial<Code> | null | undefined): boolean | undefined {
  if (!status) return undefined;
  const word = (status.Name ?? "").toLowerCase();
  if (status.Code === "55561003" || word === "active") return true;
  if (["73425007", "413322009"].includes(status.Code ?? "") || ["inactive", "resolved"].includes(word)) return false;
  return undefined;
}

export function clinicalSummaryToFhirBundle(
  payload: ClinicalSummaryPatientPush,
  options: FhirBundleOptions = {},
): Bundle {
  const documentId = payload.Header.Document?.ID ?? "document";
  const seed = `fhir/${documentId}`;
  const entries: BundleEntry[] = [];
  const add = <T extends Resource>(key: string, resource: T): Reference<T> => {
    const uuid = nameUuid(idRoots.conduitDerived, `${seed}/${key}`);
    entries.push({ fullUrl: `urn:uuid:${uuid}`, resource });
    return { reference: `urn:uuid:${uuid}` } as Reference<T>;
  };
  const demographics = payload.Header.Patient.Demographics ?? {};
  const sex = (demographics.Sex ?? "").toLowerCase();
  const patient = add<Patient>("patient", {
    resourceType: "Patient",
    identifier: identifiers([
      ...(payload.Header.Patient.Identifiers ?? []),
      ...(demographics.SSN ? [{ ID: demographics.SSN, IDType: "SSN" }] : []),
    ]),
    name:
      demographics.FirstName || demographics.LastName
        ? [
            {
              use: "official",
              given: [demographics.FirstName, demographics.MiddleName].filter((part): part is string => !!part),
              family: demographics.LastName ?? undefined,
            },
          ]
        : undefined,
    gender:
      sex === "male" || sex === "m" ? "male" : sex === "female" || sex === "f" ? "female" : sex ? "unknown" : undefined,
    birthDate: fhirDateTime(demographics.DOB)?.slice(0, 10),
    deceasedBoolean: demographics.DeathDateTime ? undefined : (demographics.IsDeceased ?? undefined),
    deceasedDateTime: fhirDateTime(demographics.DeathDateTime),
    address: address(demographics.Address),
    telecom: [
      demographics.PhoneNumber?.Home
        ? { system: "phone" as const, value: demographics.PhoneNumber.Home, use: "home" as const }
        : undefined,
      demographics.PhoneNumber?.Mobile
        ? { system: "phone" as const, value: demographics.PhoneNumber.Mobile, use: "mobile" as const }
        : undefined,
      ...(demographics.EmailAddresses ?? []).map((item) => ({
        system: "email" as const,
        value: typeof item === "string" ? item : (item.Address ?? ""),
      })),
    ].filter((item) => !!item && !!item.value) as Patient["telecom"],
    communication: demographics.Language
      ? [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: demographics.Language }] }, preferred: true }]
      : undefined,
  });
  const practitioner = (provider: Provider | null | undefined, key: string): Reference<Practitioner> | undefined => {
    if (!provider || !(provider.FirstName || provider.LastName || provider.ID)) return undefined;
    return add<Practitioner>(key, {
      resourceType: "Practitioner",
      identifier: identifiers([{ ID: provider.NPI ?? provider.ID, IDType: provider.NPI ? "NPI" : provider.IDType }]),
      name: [
        {
          given: provider.FirstName ? [provider.FirstName] : undefined,
          family: provider.LastName ?? undefined,
          suffix: provider.Credentials ?? undefined,
        },
      ],
      address: address(provider.Address),
      telecom: provider.PhoneNumber?.Office
        ? [{ system: "phone", value: provider.PhoneNumber.Office, use: "work" }]
        : undefined,
    });
  };
  const author = practitioner(payload.Header.Document?.Author, "author");
  const custodianData = payload.Header.Document?.Custodian;
  const custodian = custodianData?.Name
    ? add<Organization>("custodian", {
        resourceType: "Organization",
        name: custodianData.Name,
        identifier: identifiers(custodianData.Identifiers),
        address: address(custodianData.Address),
      })
    : undefined;

  const sections: CompositionSection[] = [];
  const section = (key: string, references: Reference[]) => {
    const definition = sectionDefinitions.find((item) => item.key === key);
    if (!definition || !references.length) return;
    const text = definition.textKey ? (payload as Record<string, unknown>)[definition.textKey] : undefined;
    sections.push({
      title: definition.title,
      code: { coding: [{ system: "http://loinc.org", code: definition.loinc, display: definition.displayName }] },
      text: {
        status: "generated",
        div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXhtml(typeof text === "string" ? stripTags(text) : `${references.length} ${definition.title.toLowerCase()}`)}</div>`,
      },
      entry: references,
    });
  };

  section(
    "Allergies",
    (payload.Allergies ?? []).map((allergy, index) => {
      const active = isActive(allergy.Status);
      return add<AllergyIntolerance>(`allergy/${index}`, {
        resourceType: "AllergyIntolerance",
        patient,
        code: codeable(allergy.Substance),
        clinicalStatus:
          allergy.IsNegativeIndicator || active === undefined
            ? undefined
            : allergyClinical(active ? "active" : "inactive"),
        verificationStatus: allergy.IsNegativeIndicator
          ? refuted("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification")
          : undefined,
        criticality:
          allergy.Criticality?.Code === "CRITH"
            ? "high"
            : allergy.Criticality?.Code === "CRITL"
              ? "low"
              : allergy.Criticality?.Code === "CRITU"
                ? "unable-to-assess"
                : undefined,
        onsetDateTime: fhirDateTime(allergy.StartDate),
        lastOccurrence: fhirDateTime(allergy.EndDate),
        reaction: allergy.Reaction?.length
          ? allergy.Reaction.map((reaction) => ({
              manifestation: [codeable(reaction) ?? { text: reaction.Text ?? "unknown" }],
              description: reaction.Text ?? undefined,
              severity: severity(reaction.Severity?.Name ?? allergy.Severity?.Name),
            }))
          : undefined,
        note: allergy.Comment ? [{ text: allergy.Comment }] : undefined,
      });
    }),
  );
  const conditions = (key: "Problems" | "ResolvedProblems") =>
    (payload[key] ?? []).map((problem, index) => {
      const active = key === "ResolvedProblems" ? false : isActive(problem.Status);
      return add<Condition>(`${key}/${index}`, {
        resourceType: "Condition",
        subject: patient,
        code: codeable(problem),
        category: [
          {
            coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-category", code: "problem-list-item" }],
          },
        ],
        clinicalStatus:
          problem.IsNegativeIndicator || active === undefined ? undefined : clinical(active ? "active" : "resolved"),
        verificationStatus: problem.IsNegativeIndicator
          ? refuted("http://terminology.hl7.org/CodeSystem/condition-ver-status")
          : undefined,
        onsetDateTime: fhirDateTime(problem.StartDate),
        abatementDateTime: fhirDateTime(problem.EndDate),
      });
    });
  section("Problems", conditions("Problems"));
  section("ResolvedProblems", conditions("ResolvedProblems"));
  section(
    "Medications",
    (payload.Medications ?? []).map((medication, index) =>
      add<MedicationStatement>(`medication/${index}`, {
        resourceType: "MedicationStatement",
        subject: patient,
        status: medication.IsNegativeIndicator ? "not-taken" : medication.EndDate ? "completed" : "active",
        medicationCodeableConcept: codeable(medication.Product) ?? { text: "unknown" },
        effectivePeriod:
          medication.StartDate || medication.EndDate
            ? { start: fhirDateTime(medication.StartDate), end: fhirDateTime(medication.EndDate) }
            : undefined,
        dosage: [
          {
            text: medication.FreeTextSig ?? undefined,
            asNeededBoolean: medication.IsPRN ?? undefined,
            route: codeable(medication.Route),
            timing: medication.Frequency?.Period
              ? {
                  repeat: {
                    period: Number(medication.Frequency.Period),
                    periodUnit: (medication.Frequency.Unit ?? "h") as "h",
                  },
                }
              : undefined,
            doseAndRate: medication.Dose?.Quantity
              ? [
                  {
                    doseQuantity: { value: Number(medication.Dose.Quantity), unit: medication.Dose.Units ?? undefined },
                  },
                ]
              : undefined,
          },
        ],
      }),
    ),
  );
  section(
    "Immunizations",
    (payload.Immunizations ?? []).map((immunization, index) =>
      add<Immunization>(`immunization/${index}`, {
        resourceType: "Immunization",
        patient,
        status: immunization.IsNegativeIndicator ? "not-done" : "completed",
        vaccineCode: codeable(immunization.Product) ?? { text: "unknown" },
        occurrenceDateTime: fhirDateTime(immunization.DateTime),
        occurrenceString: fhirDateTime(immunization.DateTime) ? undefined : "unknown",
        lotNumber: immunization.Product?.LotNumber ?? undefined,
        route: codeable(immunization.Route),
        doseQuantity: immunization.Dose?.Quantity
          ? { value: Number(immunization.Dose.Quantity), unit: immunization.Dose.Units ?? undefined }
          : undefined,
      }),
    ),
  );
  const observation = (
    key: string,
    item: {
      Value?: string | null;
      Units?: string | null;
      Interpretation?: string | null;
      DateTime?: string | null;
      Status?: string | null;
      CodedValue?: Partial<Code> | null;
    } & Partial<Code>,
    category: string,
  ): Reference<Observation> =>
    add<Observation>(key, {
      resourceType: "Observation",
      status: /prelim/i.test(item.Status ?? "") ? "preliminary" : "final",
      category: [
        { coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: category }] },
      ],
      code: codeable(item) ?? { text: "unknown" },
      subject: patient,
      effectiveDateTime: fhirDateTime(item.DateTime),
      valueQuantity:
        item.Value && /^-?\d+(\.\d+)?$/.test(item.Value.trim())
          ? {
              value: Number(item.Value),
              unit: item.Units ?? undefined,
              system: "http://unitsofmeasure.org",
              code: item.Units ?? undefined,
            }
          : undefined,
      valueCodeableConcept: item.CodedValue ? codeable(item.CodedValue) : undefined,
      valueString:
        item.Value && !/^-?\d+(\.\d+)?$/.test(item.Value.trim()) && !item.CodedValue ? item.Value : undefined,
      interpretation: interpretationCode(item.Interpretation)
        ? [
            {
              coding: [
                {
                  system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                  code: interpretationCode(item.Interpretation)!,
                },
              ],
              text: item.Interpretation ?? undefined,
            },
          ]
        : undefined,
    });
  section(
    "Results",
    (payload.Results ?? []).map((result, index) =>
      add<DiagnosticReport>(`result/${index}`, {
        resourceType: "DiagnosticReport",
        status: /prelim/i.test(result.Status ?? "") ? "preliminary" : "final",
        code: codeable(result) ?? { text: "unknown" },
        subject: patient,
        result: (result.Observations ?? []).map((item, observationIndex) =>
          observation(`result/${index}/${observationIndex}`, item, "laboratory"),
        ),
      }),
    ),
  );
  section(
    "VitalSigns",
    (payload.VitalSigns ?? []).flatMap((panel, index) =>
      (panel.Observations ?? []).map((item, observationIndex) =>
        observation(
          `vital/${index}/${observationIndex}`,
          { ...item, DateTime: item.DateTime ?? panel.DateTime },
          "vital-signs",
        ),
      ),
    ),
  );
  section("SocialHistory", [
    ...(payload.SocialHistory?.Observations ?? []).map((item, index) =>
      observation(
        `social/${index}`,
        { ...item, DateTime: item.StartDate, Value: item.ValueText, CodedValue: item.Value },
        "social-history",
      ),
    ),
    ...(payload.SocialHistory?.TobaccoUse ?? []).map((item, index) =>
      observation(
        `tobacco/${index}`,
        {
          Code: item.IsSmokingStatus ? "72166-2" : "11367-0",
          CodeSystem: "2.16.840.1.113883.6.1",
          Name: item.IsSmokingStatus ? "Tobacco smoking status" : "History of tobacco use",
          CodedValue: item,
          DateTime: item.StartDate,
        },
        "social-history",
      ),
    ),
  ]);
  section(
    "Procedures",
    [
      ...(payload.Procedures?.Procedures ?? []),
      ...(payload.Procedures?.Observations ?? []),
      ...(payload.Procedures?.Services ?? []),
    ].map((procedure, index) =>
      add<Procedure>(`procedure/${index}`, {
        resourceType: "Procedure",
        subject: patient,
        status: /abort|cancel/i.test(procedure.Status ?? "")
          ? "stopped"
          : /active|progress/i.test(procedure.Status ?? "")
            ? "in-progress"
            : "completed",
        code: codeable(procedure),
        performedDateTime: fhirDateTime(procedure.DateTime),
      }),
    ),
  );
  section(
    "Encounters",
    (payload.Encounters ?? []).map((encounter, index) =>
      add<Encounter>(`encounter/${index}`, {
        resourceType: "Encounter",
        status: encounter.EndDateTime || !encounter.Status ? "finished" : "in-progress",
        class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "ambulatory" },
        identifier: identifiers(encounter.Identifiers),
        type: codeable(encounter.Type) ? [codeable(encounter.Type)!] : undefined,
        subject: patient,
        period: { start: fhirDateTime(encounter.DateTime), end: fhirDateTime(encounter.EndDateTime) },
        reasonCode: encounter.ReasonForVisit?.map((reason) => codeable(reason)!).filter(Boolean),
      }),
    ),
  );
  section(
    "FamilyHistory",
    (payload.FamilyHistory ?? []).map((relative, index) =>
      add<FamilyMemberHistory>(`family/${index}`, {
        resourceType: "FamilyMemberHistory",
        status: "completed",
        patient,
        relationship: codeable(relative.Relation) ?? { text: "unknown" },
        sex: relative.Relation?.Demographics?.Sex ? { text: relative.Relation.Demographics.Sex } : undefined,
        bornDate: fhirDateTime(relative.Relation?.Demographics?.DOB)?.slice(0, 10),
        deceasedBoolean: relative.Relation?.IsDeceased ?? undefined,
        condition: (relative.Problems ?? []).map((problem) => ({
          code: codeable(problem) ?? { text: "unknown" },
          contributedToDeath: problem.IsCauseOfDeath ?? undefined,
          onsetAge:
            problem.AgeAtOnset && /^\d+(\.\d+)?$/.test(problem.AgeAtOnset)
              ? { value: Number(problem.AgeAtOnset), unit: "a", system: "http://unitsofmeasure.org", code: "a" }
              : undefined,
        })),
      }),
    ),
  );
  section(
    "Goals",
    (payload.Goals ?? []).map((goal, index) =>
      add<Goal>(`goal/${index}`, {
        resourceType: "Goal",
        lifecycleStatus: "active",
        subject: patient,
        description: codeable(goal) ?? { text: "goal" },
        priority: codeable(goal.Priority),
        achievementStatus: codeable(goal.AchievementStatus),
        startDate: fhirDateTime(goal.StartDate)?.slice(0, 10),
        target:
          goal.Value || goal.CodedValue || goal.EndDate
            ? [
                {
                  detailQuantity:
                    goal.Value && /^-?\d+(\.\d+)?$/.test(goal.Value)
                      ? { value: Number(goal.Value), unit: goal.Units ?? undefined }
                      : undefined,
                  detailCodeableConcept: codeable(goal.CodedValue),
                  dueDate: fhirDateTime(goal.EndDate)?.slice(0, 10),
                },
              ]
            : undefined,
      }),
    ),
  );
  section(
    "Insurances",
    (payload.Insurances ?? []).map((insurance, index) => {
      const payor = insurance.Company?.Name
        ? add<Organization>(`payer/${index}`, {
            resourceType: "Organization",
            name: insurance.Company.Name,
            identifier: identifiers([{ ID: insurance.Company.ID, IDType: insurance.Company.IDType }]),
            address: address(insurance.Company.Address),
          })
        : undefined;
      return add<Coverage>(`coverage/${index}`, {
        resourceType: "Coverage",
        status: "active",
        beneficiary: patient,
        subscriberId: insurance.MemberNumber ?? undefined,
        payor: [payor ?? { display: "unknown payer" }],
        period:
          insurance.EffectiveDate || insurance.ExpirationDate
            ? { start: fhirDateTime(insurance.EffectiveDate), end: fhirDateTime(insurance.ExpirationDate) }
            : undefined,
        class: [
          insurance.GroupNumber
            ? {
                type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/coverage-class", code: "group" }] },
                value: insurance.GroupNumber,
                name: insurance.GroupName ?? undefined,
              }
            : undefined,
          insurance.Plan?.ID
            ? {
                type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/coverage-class", code: "plan" }] },
                value: insurance.Plan.ID,
                name: insurance.Plan.Name ?? undefined,
              }
            : undefined,
        ].filter((item): item is NonNullable<typeof item> => !!item),
      });
    }),
  );
  for (const note of payload.NoteSections ?? []) {
    sections.push({
      title: note.Title ?? note.Name ?? "Note",
      code: codeable(note),
      text: {
        status: "additional",
        div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXhtml(stripTags(note.Text ?? ""))}</div>`,
      },
    });
  }

  const date = fhirDateTime(payload.Header.Document?.DateTime) ?? (options.now ?? new Date()).toISOString();
  const composition: Composition = {
    resourceType: "Composition",
    status: "final",
    type: codeable(payload.Header.Document?.TypeCode) ?? {
      coding: [{ system: "http://loinc.org", code: "34133-9", display: "Summarization of Episode Note" }],
    },
    subject: patient,
    date,
    author: [author ?? custodian ?? { display: "Conduit" }],
    title: payload.Header.Document?.Title ?? "Clinical summary",
    custodian,
    section: sections,
  };
  const compositionUuid = nameUuid(idRoots.conduitDerived, `${seed}/composition`);
  return {
    resourceType: "Bundle",
    type: "document",
    identifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${nameUuid(idRoots.conduitDerived, seed)}` },
    // Bundle.timestamp is an instant; a document dated by day only is stamped at the start of that day.
    timestamp: /T/.test(date) ? date : `${date.padEnd(10, "-01").slice(0, 10)}T00:00:00Z`,
    entry: [{ fullUrl: `urn:uuid:${compositionUuid}`, resource: composition }, ...entries],
  };
}

function severity(word: string | null | undefined): "mild" | "moderate" | "severe" | undefined {
  const value = (word ?? "").toLowerCase();
  if (value.includes("severe")) return "severe";
  if (value.includes("moderate")) return "moderate";
  if (value.includes("mild")) return "mild";
  return undefined;
}

function stripTags(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function escapeXhtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
