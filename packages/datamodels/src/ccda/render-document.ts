import type { ClinicalSummaryPatientPush, ClinicalSummaryVisitPush } from "../clinical-summary.js";
import type { Demographics, Patient, Provider } from "../common.js";
import {
  address,
  coded,
  email,
  fixedCode,
  hasCode,
  identifier,
  interval,
  personName,
  phone,
  templateIds,
  time,
  isCs,
} from "./datatypes.js";
import { identifierRoot } from "./ids.js";
import { senderNarrative } from "./narrative.js";
import { idRoots, oids, templates, type TemplateId } from "./oids.js";
import { assignedProvider } from "./people.js";
import { RenderContext } from "./render-context.js";
import { hasSectionData, sectionCodecs } from "./section-codecs.js";
import { documentTypeByLoinc, sectionDefinitions, type DocumentType } from "./section-codes.js";
import { administrativeGender, ethnicityCodes, maritalStatus, raceCodes } from "./value-sets.js";
import { el, serializeXml, type XmlChild, type XmlElement } from "./xml-writer.js";

type ClinicalSummary = ClinicalSummaryPatientPush | ClinicalSummaryVisitPush;

/** Where this document sits in its version chain (C-CDA R2.1 Vol. 1, 4.2.3.1: document versioning). */
export interface DocumentVersion {
  /** Identifies the chain: the same for every version of one document (its first version's id, usually). */
  setId: string;
  /** 1 for the first version, then 2, 3... */
  versionNumber: number;
  /** The id (extension under the same root) of the version this one replaces; absent for version 1. */
  parentDocumentId?: string;
}

export interface RenderOptions {
  /** The root of document ids: the installation's OID when it has one, else Conduit's UUID namespace. */
  documentIdRoot?: string;
  /** Used when the payload carries no Document.ID. */
  fallbackDocumentId: string;
  /** The custodian organization's name, used when the payload names no custodian. */
  custodianName: string;
  /** Now, for effectiveTime when the payload has no Document.DateTime. */
  now?: Date;
  /** Versioning over a push-only channel: a re-sent Document.ID becomes the next version (see `nextDocumentVersion`). */
  version?: DocumentVersion;
  /** The recipient, when not Header.DirectAddressTo (written as `informationRecipient`). */
  recipient?: { directAddress?: string; name?: string; organization?: string };
  /** Pretty-print (default true). */
  pretty?: boolean;
}

const progressNote = documentTypeByLoinc("11506-3")!;
const ccd = documentTypeByLoinc("34133-9")!;

/** The document type: a CCD for PatientPush; for VisitPush, the type the sender named when C-CDA defines it, else a Progress Note. */
function documentTypeFor(payload: ClinicalSummary): DocumentType {
  const isVisit = payload.Meta.EventType === "VisitPush";
  const named = documentTypeByLoinc(payload.Header.Document?.TypeCode?.Code);
  if (!isVisit) return ccd;
  return named && named.loinc !== ccd.loinc ? named : progressNote;
}

/**
 * The id of this version of the document. Version 1 is the sender's Document.ID itself; a later version needs an id
 * of its own (every CDA document instance has a unique id), derived from the set and the version number.
 */
export function documentIdFor(baseId: string, version?: DocumentVersion): string {
  return !version || version.versionNumber <= 1 ? baseId : `${version.setId}.v${version.versionNumber}`;
}

/** The version that follows a stored one: same set, next number, the stored one as parent. */
export function nextDocumentVersion(previous: {
  documentId: string;
  setId?: string;
  versionNumber?: number;
}): DocumentVersion {
  const setId = previous.setId ?? previous.documentId;
  const versionNumber = (previous.versionNumber ?? 1) + 1;
  return { setId, versionNumber, parentDocumentId: previous.documentId };
}

function languageCode(locale: string | null | undefined): string {
  if (!locale || locale.toUpperCase() === "US") return "en-US";
  return /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale) ? locale : "en-US";
}

function codeFromWord(word: string | null | undefined, table: readonly { code: string; word: string }[]) {
  if (!word) return undefined;
  return table.find((item) => item.word.toLowerCase() === word.trim().toLowerCase() || item.code === word.trim());
}

function patientRole(patient: Patient): XmlElement {
  const demographics: Partial<Demographics> = patient.Demographics ?? {};
  const gender = administrativeGender[(demographics.Sex ?? "").toLowerCase()];
  const identifiers = (patient.Identifiers ?? []).filter((id) => id.ID).map((id) => identifier(id));
  if (demographics.SSN)
    identifiers.push(el("id", { root: oids.ssn, extension: demographics.SSN, assigningAuthorityName: "SSN" }));
  const emails = (demographics.EmailAddresses ?? []).map((item) => (typeof item === "string" ? item : item.Address));
  const telecoms = [
    phone(demographics.PhoneNumber?.Home, "HP"),
    phone(demographics.PhoneNumber?.Mobile, "MC"),
    phone(demographics.PhoneNumber?.Office, "WP"),
    ...emails.map((item) => email(item, "HP")),
  ].filter(Boolean);
  const races = demographics.RaceCodes?.length
    ? demographics.RaceCodes
    : [codeFromWord(demographics.Race, raceCodes)]
        .filter(Boolean)
        .map((race) => ({ Code: race!.code, CodeSystem: oids.raceAndEthnicity, Name: race!.word }));
  const ethnicities = demographics.EthnicGroupCodes?.length
    ? demographics.EthnicGroupCodes
    : [
        codeFromWord(
          demographics.Ethnicity ??
            (demographics.IsHispanic === true
              ? "Hispanic or Latino"
              : demographics.IsHispanic === false
                ? "Not Hispanic or Latino"
                : undefined),
          ethnicityCodes,
        ),
      ]
        .filter(Boolean)
        .map((item) => ({ Code: item!.code, CodeSystem: oids.raceAndEthnicity, Name: item!.word }));
  const marital = codeFromWord(demographics.MaritalStatus, maritalStatus);
  const organization = patient.Organization;
  return el(
    "patientRole",
    {},
    identifiers.length ? identifiers : el("id", { nullFlavor: "UNK" }),
    address(demographics.Address, "HP"),
    telecoms.length ? telecoms : el("telecom", { nullFlavor: "UNK" }),
    el(
      "patient",
      {},
      el("name", { use: "L" }, personName(demographics).children),
      gender
        ? el("administrativeGenderCode", {
            code: gender.code,
            codeSystem: oids.administrativeGender,
            codeSystemName: "AdministrativeGender",
            displayName: gender.displayName,
          })
        : el("administrativeGenderCode", { nullFlavor: "UNK" }),
      time("birthTime", demographics.DOB),
      typeof demographics.IsDeceased === "boolean"
        ? el("sdtc:deceasedInd", { value: String(demographics.IsDeceased) })
        : undefined,
      demographics.DeathDateTime ? time("sdtc:deceasedTime", demographics.DeathDateTime) : undefined,
      marital
        ? el("maritalStatusCode", {
            code: marital.code,
            codeSystem: oids.maritalStatus,
            codeSystemName: "MaritalStatus",
            displayName: marital.word,
          })
        : demographics.MaritalStatus
          ? el("maritalStatusCode", { nullFlavor: "OTH" }, el("originalText", {}, demographics.MaritalStatus))
          : undefined,
      demographics.Religion
        ? el("religiousAffiliationCode", { nullFlavor: "OTH" }, el("originalText", {}, demographics.Religion))
        : undefined,
      races[0]
        ? coded("raceCode", races[0], {
            originalText: demographics.Race !== races[0].Name ? demographics.Race : undefined,
          })
        : demographics.Race
          ? el("raceCode", { nullFlavor: "OTH" }, el("originalText", {}, demographics.Race))
          : el("raceCode", { nullFlavor: "UNK" }),
      races.slice(1).map((race) => coded("sdtc:raceCode", race)),
      ethnicities[0]
        ? coded("ethnicGroupCode", ethnicities[0], {
            originalText: demographics.Ethnicity !== ethnicities[0].Name ? demographics.Ethnicity : undefined,
          })
        : demographics.Ethnicity
          ? el("ethnicGroupCode", { nullFlavor: "OTH" }, el("originalText", {}, demographics.Ethnicity))
          : el("ethnicGroupCode", { nullFlavor: "UNK" }),
      ethnicities.slice(1).map((item) => coded("sdtc:ethnicGroupCode", item)),
      isCs(demographics.Language)
        ? el(
            "languageCommunication",
            {},
            el("languageCode", { code: demographics.Language }),
            el("preferenceInd", { value: "true" }),
          )
        : undefined,
    ),
    organization && (organization.Name || organization.Identifiers?.length)
      ? el(
          "providerOrganization",
          {},
          (organization.Identifiers ?? []).filter((id) => id.ID).map((id) => identifier(id)),
          organization.Name ? el("name", {}, organization.Name) : undefined,
          (organization.Telecom ?? []).map((telecom) => phone(telecom.Value, telecom.Use ?? "WP")),
          organization.Address ? address(organization.Address, "WP") : undefined,
        )
      : undefined,
  );
}

function author(provider: Provider | null | undefined, when: string, custodianName: string): XmlElement {
  if (!provider || !(provider.FirstName || provider.LastName || provider.ID)) {
    // No person authored it: the system that assembled it is the author (US Realm Header allows a device author).
    return el(
      "author",
      {},
      el("time", { value: when }),
      el(
        "assignedAuthor",
        {},
        el("id", { root: identifierRoot("Conduit"), extension: "conduit" }),
        el("addr", { nullFlavor: "UNK" }),
        el("telecom", { nullFlavor: "UNK" }),
        el(
          "assignedAuthoringDevice",
          {},
          el("manufacturerModelName", {}, "Conduit"),
          el("softwareName", {}, "Conduit"),
        ),
        el("representedOrganization", {}, el("name", {}, custodianName)),
      ),
    );
  }
  return el("author", {}, el("time", { value: when }), el("assignedAuthor", {}, assignedProvider(provider)));
}

function custodian(payload: ClinicalSummary, options: RenderOptions): XmlElement {
  const organization = payload.Header.Document?.Custodian;
  const ids = (organization?.Identifiers ?? []).filter((id) => id.ID);
  const telecom = organization?.Telecom?.find((item) => item.Value);
  return el(
    "custodian",
    {},
    el(
      "assignedCustodian",
      {},
      el(
        "representedCustodianOrganization",
        {},
        ids.length
          ? ids.map((id) => identifier(id))
          : el("id", { root: identifierRoot(`custodian:${options.custodianName}`) }),
        el("name", {}, organization?.Name ?? options.custodianName),
        phone(telecom?.Value, telecom?.Use ?? "WP") ?? el("telecom", { nullFlavor: "UNK" }),
        address(organization?.Address, "WP"),
      ),
    ),
  );
}

function informationRecipient(payload: ClinicalSummary, options: RenderOptions): XmlElement | undefined {
  const directAddress = options.recipient?.directAddress ?? payload.Header.DirectAddressTo ?? undefined;
  if (!directAddress && !options.recipient?.name) return undefined;
  return el(
    "informationRecipient",
    {},
    el(
      "intendedRecipient",
      {},
      email(directAddress, "WP"),
      options.recipient?.name ? el("informationRecipient", {}, el("name", {}, options.recipient.name)) : undefined,
      options.recipient?.organization
        ? el("receivedOrganization", {}, el("name", {}, options.recipient.organization))
        : undefined,
    ),
  );
}

/** The period the summary covers: from the earliest date in the payload's sections to the document's date. */
function servicePeriod(payload: ClinicalSummary, documentTime: string): { low?: string; high: string } {
  let earliest: string | undefined;
  const visit = (value: unknown, key?: string) => {
    if (typeof value === "string" && key && /(Date|DateTime)$/.test(key) && /^\d{4}/.test(value)) {
      const normalized = value.replace(/\D/g, "").slice(0, 8);
      if (!earliest || normalized < earliest.replace(/\D/g, "").slice(0, 8)) earliest = value;
    } else if (Array.isArray(value)) value.forEach((item) => visit(item));
    else if (value && typeof value === "object")
      for (const [childKey, item] of Object.entries(value)) visit(item, childKey);
  };
  for (const definition of sectionDefinitions)
    if (definition.key) visit((payload as Record<string, unknown>)[definition.key]);
  return { low: earliest, high: documentTime };
}

function documentationOf(payload: ClinicalSummary, documentTime: string): XmlElement {
  const period = servicePeriod(payload, documentTime);
  const pcp = payload.Header.PCP;
  return el(
    "documentationOf",
    {},
    el(
      "serviceEvent",
      { classCode: "PCPR" },
      el("effectiveTime", {}, time("low", period.low), el("high", { value: period.high })),
      pcp && (pcp.FirstName || pcp.LastName || pcp.ID)
        ? el(
            "performer",
            { typeCode: "PRF" },
            fixedCode("functionCode", "PCP", "2.16.840.1.113883.5.88", "Primary Care Physician"),
            el("assignedEntity", {}, assignedProvider(pcp)),
          )
        : undefined,
    ),
  );
}

function componentOf(
  payload: ClinicalSummary,
  documentType: DocumentType,
  context: RenderContext,
): XmlElement | undefined {
  const visit = payload.Header.Document?.Visit;
  if (!visit && documentType.loinc === ccd.loinc) return undefined;
  const location = visit?.Location;
  return el(
    "componentOf",
    {},
    el(
      "encompassingEncounter",
      {},
      visit?.VisitNumber ? identifier({ ID: visit.VisitNumber, IDType: "VisitNumber" }) : context.id("encounter"),
      hasCode(visit?.Type) ? coded("code", visit!.Type) : undefined,
      interval("effectiveTime", visit?.StartDateTime ?? payload.Header.Document?.DateTime, visit?.EndDateTime),
      hasCode(visit?.DischargeDisposition) ? coded("dischargeDispositionCode", visit!.DischargeDisposition) : undefined,
      el(
        "location",
        {},
        el(
          "healthCareFacility",
          {},
          (location?.FacilityIdentifiers ?? []).filter((id) => id.ID).map((id) => identifier(id)),
          location?.Type ? el("code", { nullFlavor: "OTH" }, el("originalText", {}, location.Type)) : undefined,
          location?.Facility || location?.Department || location?.Room
            ? el(
                "location",
                {},
                el("name", {}, [location.Facility, location.Department, location.Room].filter(Boolean).join(", ")),
              )
            : undefined,
        ),
      ),
    ),
  );
}

function section(
  definition: (typeof sectionDefinitions)[number],
  template: TemplateId,
  body: { narrative: XmlChild[]; entries: XmlElement[] },
  nullFlavor?: string,
): XmlElement {
  return el(
    "component",
    {},
    el(
      "section",
      { nullFlavor },
      templateIds(template),
      fixedCode("code", definition.loinc, oids.loinc, definition.displayName),
      el("title", {}, definition.title),
      el("text", {}, body.narrative.length ? body.narrative : el("paragraph", {}, "No information")),
      body.entries,
    ),
  );
}

function sections(payload: ClinicalSummary, documentType: DocumentType, context: RenderContext): XmlElement[] {
  const record = payload as Record<string, unknown>;
  const out: XmlElement[] = [];
  for (const definition of sectionDefinitions) {
    const data = definition.key ? record[definition.key] : undefined;
    const text = definition.textKey ? record[definition.textKey] : undefined;
    const hasData = hasSectionData(data) && !!sectionCodecs[definition.key!];
    const hasText = typeof text === "string" && text.trim() !== "";
    // MedicalHistoryText shares 11348-0 with ResolvedProblems: written as its own narrative-only section.
    if (!hasData && !hasText) {
      if (definition.requiredInCcd && documentType.loinc === ccd.loinc) {
        out.push(section(definition, definition.template, { narrative: [], entries: [] }, "NI"));
      }
      continue;
    }
    const rendered = hasData ? sectionCodecs[definition.key!]!.render(data as never, context) : { entries: [] };
    const narrative: XmlChild[] = [
      hasText ? senderNarrative(text as string, `${definition.textKey}.`) : [],
      rendered.table,
    ];
    out.push(section(definition, definition.template, { narrative, entries: rendered.entries }));
  }
  for (const [index, note] of (payload.NoteSections ?? []).entries()) {
    const narrative = note.Text ? senderNarrative(note.Text, `NoteSections.${index}.`) : [];
    out.push(
      el(
        "component",
        {},
        el(
          "section",
          {},
          coded("code", note),
          el("title", {}, note.Title ?? note.Name ?? "Note"),
          el("text", {}, narrative.length ? narrative : el("paragraph", {}, "No information")),
        ),
      ),
    );
  }
  return out;
}

/**
 * Renders a ClinicalSummary as C-CDA R2.1: a Continuity of Care Document for PatientPush, the matching visit document
 * (Progress Note unless the sender named another C-CDA type) for VisitPush. The US Realm Header carries the patient,
 * author, custodian, the recipient as `informationRecipient`, the PCP, the visit and the version chain; every
 * section the payload has is written with coded entries and a narrative table the entries reference.
 */
export function renderClinicalSummaryCda(payload: ClinicalSummary, options: RenderOptions): string {
  return serializeXml(buildClinicalDocument(payload, options), { pretty: options.pretty });
}

export function buildClinicalDocument(payload: ClinicalSummary, options: RenderOptions): XmlElement {
  const header = payload.Header;
  const document = header.Document;
  const now = options.now ?? new Date();
  const effectiveTime = time("effectiveTime", document?.DateTime);
  const when = effectiveTime.attributes.value
    ? String(effectiveTime.attributes.value)
    : time("t", now.toISOString()).attributes.value!.toString();
  const documentType = documentTypeFor(payload);
  const root = options.documentIdRoot ?? idRoots.conduitDocuments;
  const baseId = document?.ID ?? options.fallbackDocumentId;
  const documentId = documentIdFor(baseId, options.version);
  const context = new RenderContext(`${root}/${documentId}`);
  const version = options.version ?? { setId: baseId, versionNumber: 1 };
  const confidentiality = hasCode(document?.Confidentiality)
    ? coded("confidentialityCode", document!.Confidentiality)
    : el("confidentialityCode", { code: "N", codeSystem: oids.confidentiality, displayName: "normal" });

  return el(
    "ClinicalDocument",
    {
      xmlns: "urn:hl7-org:v3",
      "xmlns:sdtc": "urn:hl7-org:sdtc",
      "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    },
    el("realmCode", { code: "US" }),
    el("typeId", { root: oids.cdaTypeId, extension: "POCD_HD000040" }),
    templateIds(templates.usRealmHeader, documentType.template),
    el("id", { root, extension: documentId }),
    fixedCode("code", documentType.loinc, oids.loinc, documentType.name),
    el("title", {}, document?.Title ?? documentType.name),
    el("effectiveTime", { value: when }),
    confidentiality,
    el("languageCode", { code: languageCode(document?.Locale) }),
    el("setId", { root, extension: version.setId }),
    el("versionNumber", { value: String(version.versionNumber) }),
    el("recordTarget", {}, patientRole(header.Patient)),
    author(document?.Author, when, options.custodianName),
    custodian(payload, options),
    informationRecipient(payload, options),
    documentationOf(payload, when),
    options.version?.parentDocumentId
      ? el(
          "relatedDocument",
          { typeCode: "RPLC" },
          el(
            "parentDocument",
            {},
            el("id", { root, extension: options.version.parentDocumentId }),
            el("setId", { root, extension: options.version.setId }),
            el("versionNumber", { value: String(Math.max(1, options.version.versionNumber - 1)) }),
          ),
        )
      : undefined,
    componentOf(payload, documentType, context),
    el("component", {}, el("structuredBody", {}, sections(payload, documentType, context))),
  );
}
