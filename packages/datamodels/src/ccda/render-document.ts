import { XMLBuilder } from "fast-xml-parser";
import type { ClinicalSummaryPatientPush } from "../clinical-summary.js";
import type { Address, Provider } from "../common.js";
import { toHl7Time } from "./hl7-time.js";
import { oids, templates } from "./oids.js";

type XmlNode = Record<string, unknown>;

const builder = new XMLBuilder({
  attributeNamePrefix: "@_",
  ignoreAttributes: false,
  format: true,
  suppressEmptyNode: true,
  processEntities: true,
});

const administrativeGender: Record<string, { code: string; displayName: string }> = {
  male: { code: "M", displayName: "Male" },
  m: { code: "M", displayName: "Male" },
  female: { code: "F", displayName: "Female" },
  f: { code: "F", displayName: "Female" },
  unknown: { code: "UN", displayName: "Undifferentiated" },
  u: { code: "UN", displayName: "Undifferentiated" },
};

export interface RenderOptions {
  /** The document's id root; defaults to a fixed OID for Conduit-generated documents. */
  documentIdRoot?: string;
  /** Used when the payload carries no Document.ID. */
  fallbackDocumentId: string;
  /** The custodian organization's name. */
  custodianName: string;
  /** Now, for effectiveTime when the payload has no Document.DateTime. */
  now?: Date;
}

function addr(address: Address | null | undefined): XmlNode | undefined {
  if (!address) return undefined;
  return {
    "@_use": "HP",
    streetAddressLine: address.StreetAddress ?? undefined,
    city: address.City ?? undefined,
    state: address.State ?? undefined,
    postalCode: address.ZIP ?? undefined,
    country: address.Country ?? undefined,
  };
}

function telecom(value: string | null | undefined, use: string): XmlNode | undefined {
  return value ? { "@_use": use, "@_value": `tel:${value}` } : undefined;
}

function personName(first: string | null | undefined, last: string | null | undefined, middle?: string | null) {
  const given = [first, middle].filter((part): part is string => !!part);
  return { given, family: last ?? undefined };
}

function assignedAuthor(author: Provider | null | undefined): XmlNode {
  const idNode =
    author?.ID && (author.IDType ?? "").toUpperCase() === "NPI"
      ? { "@_root": oids.npi, "@_extension": author.ID }
      : author?.ID
        ? { "@_root": oids.conduitLocal, "@_extension": author.ID }
        : { "@_nullFlavor": "UNK" };
  return {
    id: idNode,
    addr: addr(author?.Address) ?? { "@_nullFlavor": "UNK" },
    telecom: telecom(author?.PhoneNumber?.Office, "WP") ?? { "@_nullFlavor": "UNK" },
    assignedPerson: { name: personName(author?.FirstName, author?.LastName) },
  };
}

/**
 * Renders a ClinicalSummary PatientPush as a C-CDA R2.1 Continuity of Care Document: the US Realm header (patient,
 * author, custodian) and one section per narrative the payload carries.
 */
export function renderClinicalSummaryCda(payload: ClinicalSummaryPatientPush, options: RenderOptions): string {
  const header = payload.Header;
  const document = header.Document;
  const demographics = header.Patient.Demographics;
  const now = options.now ?? new Date();
  const effectiveTime = toHl7Time(document?.DateTime) ?? toHl7Time(now.toISOString());
  const gender = administrativeGender[(demographics?.Sex ?? "").toLowerCase()];
  const identifiers = (header.Patient.Identifiers ?? []).map((identifier) => ({
    "@_root": identifier.IDType && /^\d+(\.\d+)+$/.test(identifier.IDType) ? identifier.IDType : oids.conduitLocal,
    "@_extension": identifier.ID,
  }));

  const clinicalDocument: XmlNode = {
    "@_xmlns": "urn:hl7-org:v3",
    "@_xmlns:sdtc": "urn:hl7-org:sdtc",
    "@_xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    realmCode: { "@_code": "US" },
    typeId: { "@_root": "2.16.840.1.113883.1.3", "@_extension": "POCD_HD000040" },
    templateId: [
      { "@_root": templates.usRealmHeader, "@_extension": "2015-08-01" },
      { "@_root": templates.continuityOfCareDocument, "@_extension": "2015-08-01" },
    ],
    id: {
      "@_root": options.documentIdRoot ?? oids.conduitDocuments,
      "@_extension": document?.ID ?? options.fallbackDocumentId,
    },
    code: {
      "@_code": "34133-9",
      "@_codeSystem": oids.loinc,
      "@_codeSystemName": "LOINC",
      "@_displayName": "Summarization of Episode Note",
    },
    title: document?.Title ?? "Continuity of Care Document",
    effectiveTime: { "@_value": effectiveTime },
    confidentialityCode: { "@_code": "N", "@_codeSystem": oids.confidentiality },
    languageCode: { "@_code": "en-US" },
    recordTarget: {
      patientRole: {
        id: identifiers.length ? identifiers : { "@_nullFlavor": "UNK" },
        addr: addr(demographics?.Address) ?? { "@_nullFlavor": "UNK" },
        telecom: telecom(demographics?.PhoneNumber?.Home, "HP") ?? { "@_nullFlavor": "UNK" },
        patient: {
          name: {
            "@_use": "L",
            ...personName(demographics?.FirstName, demographics?.LastName, demographics?.MiddleName),
          },
          administrativeGenderCode: gender
            ? { "@_code": gender.code, "@_codeSystem": oids.administrativeGender, "@_displayName": gender.displayName }
            : { "@_nullFlavor": "UNK" },
          birthTime: toHl7Time(demographics?.DOB)
            ? { "@_value": toHl7Time(demographics?.DOB) }
            : { "@_nullFlavor": "UNK" },
        },
      },
    },
    author: {
      time: { "@_value": effectiveTime },
      assignedAuthor: assignedAuthor(document?.Author),
    },
    custodian: {
      assignedCustodian: {
        representedCustodianOrganization: {
          id: { "@_root": oids.conduitLocal },
          name: options.custodianName,
          telecom: { "@_nullFlavor": "UNK" },
          addr: { "@_nullFlavor": "UNK" },
        },
      },
    },
    component: { structuredBody: { component: narrativeSections(payload) } },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ ClinicalDocument: clinicalDocument })}`;
}

/** Sections carried as the sender's narrative (`AllergyText`, ...), as plain text until the coded mapping lands. */
function narrativeSections(payload: ClinicalSummaryPatientPush): XmlNode[] {
  const sections = Object.entries(payload)
    .filter(([key, value]) => key.endsWith("Text") && typeof value === "string" && value.trim() !== "")
    .map(([key, value]) => ({
      section: {
        title: key.replace(/Text$/, "").replace(/([a-z])([A-Z])/g, "$1 $2"),
        text: { paragraph: stripMarkup(value as string) },
      },
    }));
  return sections.length ? sections : [{ section: { title: "Summary", text: { paragraph: "No sections." } } }];
}

function stripMarkup(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
