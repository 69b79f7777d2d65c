import type { ClinicalSummaryHeader } from "../clinical-summary.js";
import type { Identifier, Organization } from "../common.js";
import { isDirectAddress } from "../primitives.js";
import { oids } from "./oids.js";
import { readAddress, readIdentifier, readName, readProvider, readTelecoms } from "./people.js";
import { compact, readInterval, readTime, type ReadContext } from "./read-context.js";
import { documentTypeByLoinc } from "./section-codes.js";
import { maritalStatus, sexWord } from "./value-sets.js";
import { attr, child, childrenNamed, path, textOf, type XNode } from "./xml-reader.js";

/** The US Realm Header as a Redox ClinicalSummary Header: document, patient, author, custodian, PCP, visit, recipient. */

function codedWord(node: XNode | undefined, context: ReadContext): string | undefined {
  if (!node) return undefined;
  // The sender's own words first: a code's display name is the code system's, not what was recorded.
  return context.resolveText(child(node, "originalText")) ?? attr(node, "displayName") ?? attr(node, "code");
}

function readOrganization(node: XNode | undefined, context: ReadContext): Organization | undefined {
  if (!node) return undefined;
  const { phones } = readTelecoms([...childrenNamed(node, "telecom"), ...childrenNamed(node, "sdtc:telecom")]);
  const value = compact({
    Identifiers: childrenNamed(node, "id")
      .map(readIdentifier)
      .filter((id): id is Identifier => !!id),
    Name: textOf(child(node, "name")) || undefined,
    Type: context.code(child(node, "code")),
    Address: readAddress(child(node, "addr")),
    Telecom: phones.map((item) => compact({ Value: item.value, Use: item.use })),
  });
  return Object.keys(value).length ? value : undefined;
}

function readPatient(role: XNode | undefined, context: ReadContext): ClinicalSummaryHeader["Patient"] {
  const patient = child(role, "patient");
  const ids = childrenNamed(role, "id");
  const ssn = ids.find((id) => attr(id, "root") === oids.ssn);
  const identifiers = ids
    .filter((id) => id !== ssn)
    .map(readIdentifier)
    .filter((id): id is Identifier & { ID: string } => !!id?.ID);
  const { phones, emails } = readTelecoms(childrenNamed(role, "telecom"));
  const phone = (...uses: string[]) =>
    phones.find((item) => uses.some((use) => (item.use ?? "").split(" ").includes(use)))?.value;
  const gender = attr(child(patient, "administrativeGenderCode"), "code");
  const marital = attr(child(patient, "maritalStatusCode"), "code");
  const races = [child(patient, "raceCode"), ...childrenNamed(patient, "sdtc:raceCode")]
    .map((node) => context.code(node))
    .filter((code) => !!code?.Code);
  const ethnicities = [child(patient, "ethnicGroupCode"), ...childrenNamed(patient, "sdtc:ethnicGroupCode")]
    .map((node) => context.code(node))
    .filter((code) => !!code?.Code);
  const deceased = attr(child(patient, "sdtc:deceasedInd"), "value");
  const names = childrenNamed(patient, "name");
  const legalName = names.find((name) => (attr(name, "use") ?? "").includes("L")) ?? names[0];
  const { Credentials: _credentials, ...name } = readName(legalName);
  const languages = childrenNamed(patient, "languageCommunication");
  const preferred = languages.find((item) => attr(child(item, "preferenceInd"), "value") === "true") ?? languages[0];
  return compact({
    Identifiers: identifiers,
    Demographics: compact({
      ...name,
      DOB: readTime(child(patient, "birthTime")),
      SSN: attr(ssn, "extension"),
      Sex: gender ? (sexWord[gender] ?? gender) : undefined,
      Address: readAddress(child(role, "addr")),
      PhoneNumber: phones.length
        ? compact({ Home: phone("HP", "H"), Mobile: phone("MC"), Office: phone("WP") })
        : undefined,
      EmailAddresses: emails.map((address) => ({ Address: address })),
      Language: attr(child(preferred, "languageCode"), "code"),
      Race: codedWord(child(patient, "raceCode"), context),
      RaceCodes: races,
      Ethnicity: codedWord(child(patient, "ethnicGroupCode"), context),
      EthnicGroupCodes: ethnicities,
      Religion: codedWord(child(patient, "religiousAffiliationCode"), context),
      MaritalStatus: marital
        ? (maritalStatus.find((item) => item.code === marital)?.word ?? marital)
        : codedWord(child(patient, "maritalStatusCode"), context),
      IsDeceased: deceased === undefined ? undefined : deceased === "true",
      DeathDateTime: readTime(child(patient, "sdtc:deceasedTime")),
    }),
    Organization: readOrganization(child(role, "providerOrganization"), context),
  }) as ClinicalSummaryHeader["Patient"];
}

function readVisit(encounter: XNode | undefined, context: ReadContext) {
  if (!encounter) return undefined;
  const dates = readInterval(child(encounter, "effectiveTime"));
  const facility = path(encounter, "location", "healthCareFacility");
  const visitId = readIdentifier(child(encounter, "id"));
  return compact({
    VisitNumber: visitId?.ID,
    StartDateTime: dates.low,
    EndDateTime: dates.high,
    Type: context.code(child(encounter, "code")),
    DischargeDisposition: context.code(child(encounter, "dischargeDispositionCode")),
    Location: facility
      ? compact({
          Type: codedWord(child(facility, "code"), context),
          Facility:
            textOf(path(facility, "location", "name")) ||
            textOf(path(facility, "serviceProviderOrganization", "name")) ||
            undefined,
          FacilityIdentifiers: childrenNamed(facility, "id")
            .map(readIdentifier)
            .filter((id): id is Identifier => !!id),
        })
      : undefined,
  });
}

export function readHeader(document: XNode, context: ReadContext): ClinicalSummaryHeader {
  const code = context.code(child(document, "code"));
  const id = child(document, "id");
  const authors = childrenNamed(document, "author").map((item) => child(item, "assignedAuthor"));
  const personAuthor = authors.find((item) => child(item, "assignedPerson"));
  const performers = childrenNamed(path(document, "documentationOf", "serviceEvent"), "performer");
  const pcp =
    performers.find((performer) => attr(child(performer, "functionCode"), "code") === "PCP") ??
    performers.find((performer) => attr(child(performer, "sdtc:functionCode"), "code") === "PCP") ??
    performers[0];
  const recipients = childrenNamed(document, "informationRecipient").map((item) => child(item, "intendedRecipient"));
  const { emails } = readTelecoms(recipients.flatMap((item) => childrenNamed(item, "telecom")));
  const directAddress = emails.find(isDirectAddress);
  return compact({
    DirectAddressTo: directAddress,
    Document: compact({
      ID: attr(id, "extension") ?? attr(id, "root"),
      Title: textOf(child(document, "title")) || undefined,
      DateTime: readTime(child(document, "effectiveTime")),
      Type: code?.Name ?? documentTypeByLoinc(code?.Code)?.name,
      TypeCode: code,
      Confidentiality: context.code(child(document, "confidentialityCode")),
      Locale: attr(child(document, "languageCode"), "code"),
      Author: personAuthor ? readProvider(personAuthor, context) : undefined,
      Custodian: readOrganization(
        path(document, "custodian", "assignedCustodian", "representedCustodianOrganization"),
        context,
      ),
      Visit: readVisit(path(document, "componentOf", "encompassingEncounter"), context),
    }),
    Patient: readPatient(path(document, "recordTarget", "patientRole"), context),
    PCP: pcp ? readProvider(child(pcp, "assignedEntity"), context) : undefined,
  }) as ClinicalSummaryHeader;
}

/** The document's place in its version chain, as the receiver needs it to replace an earlier version. */
export function readVersion(document: XNode) {
  const setId = child(document, "setId");
  const parent = path(document, "relatedDocument", "parentDocument");
  const relation = attr(child(document, "relatedDocument"), "typeCode");
  return compact({
    setId: attr(setId, "extension") ?? attr(setId, "root"),
    versionNumber: attr(child(document, "versionNumber"), "value")
      ? Number(attr(child(document, "versionNumber"), "value"))
      : undefined,
    relation,
    parentDocumentId: attr(child(parent, "id"), "extension") ?? attr(child(parent, "id"), "root"),
  });
}
