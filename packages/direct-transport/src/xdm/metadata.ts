import { XMLParser, XMLValidator } from "fast-xml-parser";
import { XDS } from "./xds-ids.js";

/**
 * METADATA.XML of an XDM submission set (IHE ITI TF-1 §16, TF-3 §4.2): an ebRS SubmitObjectsRequest holding one
 * RegistryPackage (the submission set) and an ExtrinsicObject per document, described by Slots, Classifications and
 * ExternalIdentifiers.
 */

/** A coded value: Classification@nodeRepresentation, its codingScheme slot and its display name. */
export interface XdsCode {
  code: string;
  codingScheme?: string;
  displayName?: string;
}

export interface XdsAuthor {
  person?: string;
  institutions: string[];
  roles: string[];
  specialties: string[];
  telecom: string[];
}

export interface XdmDocumentEntry {
  /** ExtrinsicObject@id: an entryUUID or a symbolic id such as `Document01`. */
  entryId: string;
  /** The file of the document, relative to the submission set folder (ITI TF-3 §4.2.3.2.24, required in XDM). */
  uri?: string;
  mimeType?: string;
  title?: string;
  comments?: string;
  /** XDSDocumentEntry.patientId, HL7 CX (`id^^^&oid&ISO`). */
  patientId?: string;
  sourcePatientId?: string;
  /** PID segment fields as sent, e.g. `PID-5|Doe^John^^^`. */
  sourcePatientInfo?: string[];
  /** authorPerson of the first author, HL7 XCN. */
  authorPerson?: string;
  authors?: XdsAuthor[];
  /** HL7 DTM, UTC: `YYYY[MM[DD[hh[mm[ss]]]]]`. */
  creationTime?: string;
  serviceStartTime?: string;
  serviceStopTime?: string;
  languageCode?: string;
  uniqueId?: string;
  /** SHA-1 of the document, hex. */
  hash?: string;
  size?: number;
  classCode?: XdsCode;
  typeCode?: XdsCode;
  formatCode?: XdsCode;
  healthcareFacilityTypeCode?: XdsCode;
  practiceSettingCode?: XdsCode;
  confidentialityCodes?: XdsCode[];
  eventCodes?: XdsCode[];
  /** Every slot as sent, for what the fields above leave out. */
  slots: Record<string, string[]>;
}

export interface XdmSubmissionSet {
  /** RegistryPackage@id. */
  entryId: string;
  uniqueId?: string;
  sourceId?: string;
  patientId?: string;
  submissionTime?: string;
  title?: string;
  comments?: string;
  authorPerson?: string;
  authors?: XdsAuthor[];
  /** Direct addresses and people the set is meant for, HL7 XON|XCN|XTN. */
  intendedRecipients?: string[];
  contentTypeCode?: XdsCode;
  slots: Record<string, string[]>;
}

export interface XdmMetadata {
  documents: XdmDocumentEntry[];
  /** XDSSubmissionSet.uniqueId (an OID), else the RegistryPackage id. */
  submissionSetId?: string;
  submissionSet?: XdmSubmissionSet;
}

/** Thrown for METADATA.XML that cannot be read; readXdm turns it into a warning and keeps the documents. */
export class XdmMetadataError extends Error {
  override readonly name = "XdmMetadataError";
}

const MAX_METADATA_CHARS = 10 * 1024 * 1024;

type XNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // No DTD is ever read (a DOCTYPE is refused before parsing); the predefined entities are decoded by decodeXml.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

export function parseXdmMetadata(xml: string): XdmMetadata {
  if (xml.length > MAX_METADATA_CHARS)
    throw new XdmMetadataError(`METADATA.XML is over ${MAX_METADATA_CHARS} characters`);
  const text = xml.replace(/^\uFEFF/, "");
  if (/<!DOCTYPE/i.test(text)) throw new XdmMetadataError("METADATA.XML has a DOCTYPE; DTDs are not read");
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new XdmMetadataError(`METADATA.XML is not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  let root: XNode;
  try {
    root = parser.parse(text) as XNode;
  } catch (error) {
    throw new XdmMetadataError(`METADATA.XML cannot be parsed: ${(error as Error).message}`);
  }

  const documents = descendants(root, "ExtrinsicObject").map(readDocumentEntry);
  const packages = descendants(root, "RegistryPackage");
  const setIds = new Set(
    descendants(root, "Classification")
      .filter((c) => attr(c, "classificationNode") === XDS.submissionSet.classificationNode)
      .map((c) => attr(c, "classifiedObject")),
  );
  const setNode =
    packages.find((p) => setIds.has(attr(p, "id"))) ??
    packages.find((p) => externalId(p, XDS.submissionSet.uniqueId, "XDSSubmissionSet.uniqueId") !== undefined) ??
    packages[0];
  const submissionSet = setNode ? readSubmissionSet(setNode) : undefined;
  return prune({
    documents,
    submissionSetId: submissionSet ? (submissionSet.uniqueId ?? submissionSet.entryId) : undefined,
    submissionSet,
  });
}

function readDocumentEntry(node: XNode): XdmDocumentEntry {
  const slots = readSlots(node);
  const authors = readAuthors(node, XDS.documentEntry.author);
  const size = slots["size"]?.[0];
  return prune({
    entryId: attr(node, "id") ?? "",
    uri: joinUri(slots["URI"] ?? slots["uri"]),
    mimeType: attr(node, "mimeType"),
    title: localized(node, "Name"),
    comments: localized(node, "Description"),
    patientId: externalId(node, XDS.documentEntry.patientId, "XDSDocumentEntry.patientId"),
    sourcePatientId: slots["sourcePatientId"]?.[0],
    sourcePatientInfo: slots["sourcePatientInfo"],
    authorPerson: authors.find((a) => a.person)?.person,
    authors: authors.length > 0 ? authors : undefined,
    creationTime: slots["creationTime"]?.[0],
    serviceStartTime: slots["serviceStartTime"]?.[0],
    serviceStopTime: slots["serviceStopTime"]?.[0],
    languageCode: slots["languageCode"]?.[0],
    uniqueId: externalId(node, XDS.documentEntry.uniqueId, "XDSDocumentEntry.uniqueId"),
    hash: slots["hash"]?.[0]?.toLowerCase(),
    size: size !== undefined && /^\d+$/.test(size) ? Number(size) : undefined,
    classCode: codes(node, XDS.documentEntry.classCode)[0],
    typeCode: codes(node, XDS.documentEntry.typeCode)[0],
    formatCode: codes(node, XDS.documentEntry.formatCode)[0],
    healthcareFacilityTypeCode: codes(node, XDS.documentEntry.healthcareFacilityTypeCode)[0],
    practiceSettingCode: codes(node, XDS.documentEntry.practiceSettingCode)[0],
    confidentialityCodes: nonEmpty(codes(node, XDS.documentEntry.confidentialityCode)),
    eventCodes: nonEmpty(codes(node, XDS.documentEntry.eventCodeList)),
    slots,
  });
}

function readSubmissionSet(node: XNode): XdmSubmissionSet {
  const slots = readSlots(node);
  const authors = readAuthors(node, XDS.submissionSet.author);
  return prune({
    entryId: attr(node, "id") ?? "",
    uniqueId: externalId(node, XDS.submissionSet.uniqueId, "XDSSubmissionSet.uniqueId"),
    sourceId: externalId(node, XDS.submissionSet.sourceId, "XDSSubmissionSet.sourceId"),
    patientId: externalId(node, XDS.submissionSet.patientId, "XDSSubmissionSet.patientId"),
    submissionTime: slots["submissionTime"]?.[0],
    title: localized(node, "Name"),
    comments: localized(node, "Description"),
    authorPerson: authors.find((a) => a.person)?.person,
    authors: authors.length > 0 ? authors : undefined,
    intendedRecipients: slots["intendedRecipient"],
    contentTypeCode: codes(node, XDS.submissionSet.contentTypeCode)[0],
    slots,
  });
}

/** ITI TF-3 §4.2.3.2.24: a URI over 128 characters is split over values `1|…`, `2|…`, joined in order. */
function joinUri(values: string[] | undefined): string | undefined {
  if (!values || values.length === 0) return undefined;
  if (values.length > 1 && values.every((v) => /^\d+\|/.test(v))) {
    return values
      .map((v) => ({ index: Number(v.slice(0, v.indexOf("|"))), part: v.slice(v.indexOf("|") + 1) }))
      .sort((a, b) => a.index - b.index)
      .map((p) => p.part)
      .join("");
  }
  return values[0];
}

function readAuthors(node: XNode, scheme: string): XdsAuthor[] {
  return children(node, "Classification")
    .filter((c) => attr(c, "classificationScheme") === scheme)
    .map((c) => {
      const slots = readSlots(c);
      return prune({
        person: slots["authorPerson"]?.[0],
        institutions: slots["authorInstitution"] ?? [],
        roles: slots["authorRole"] ?? [],
        specialties: slots["authorSpecialty"] ?? [],
        telecom: slots["authorTelecommunication"] ?? [],
      });
    });
}

function codes(node: XNode, scheme: string): XdsCode[] {
  return children(node, "Classification")
    .filter((c) => attr(c, "classificationScheme") === scheme && attr(c, "nodeRepresentation") !== undefined)
    .map((c) =>
      prune({
        code: attr(c, "nodeRepresentation")!,
        codingScheme: readSlots(c)["codingScheme"]?.[0],
        displayName: localized(c, "Name"),
      }),
    );
}

/** An ExternalIdentifier value by its identificationScheme, or by its Name when a sender got the scheme wrong. */
function externalId(node: XNode, scheme: string, name: string): string | undefined {
  const identifiers = children(node, "ExternalIdentifier");
  const byScheme = identifiers.find((e) => attr(e, "identificationScheme")?.toLowerCase() === scheme);
  const byName = identifiers.find((e) => localized(e, "Name") === name);
  return attr(byScheme ?? byName ?? {}, "value");
}

function readSlots(node: XNode): Record<string, string[]> {
  const slots: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const slot of children(node, "Slot")) {
    const name = attr(slot, "name");
    if (!name) continue;
    const values = children(slot, "ValueList")
      .flatMap((list) => asArray(list["Value"]))
      .map(textOf)
      .filter((v): v is string => v !== undefined);
    slots[name] = [...(slots[name] ?? []), ...values];
  }
  return { ...slots };
}

function localized(node: XNode, element: "Name" | "Description"): string | undefined {
  const holder = children(node, element)[0];
  const value = holder ? attr(children(holder, "LocalizedString")[0] ?? {}, "value") : undefined;
  return value === "" ? undefined : value;
}

function attr(node: XNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === "string" ? decodeXml(value) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Element children by local name; leaf elements written as text become `{ "#text": … }`. */
function children(node: XNode, name: string): XNode[] {
  return asArray(node[name]).map((child) =>
    typeof child === "object" && child !== null ? (child as XNode) : { "#text": String(child) },
  );
}

function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return decodeXml(value);
  if (typeof value === "object" && value !== null && typeof (value as XNode)["#text"] === "string") {
    return decodeXml((value as XNode)["#text"] as string);
  }
  return undefined;
}

function descendants(node: unknown, name: string, depth = 0): XNode[] {
  if (typeof node !== "object" || node === null || depth > 64) return [];
  const found: XNode[] = [];
  for (const [key, value] of Object.entries(node as XNode)) {
    if (key.startsWith("@_") || key === "#text") continue;
    for (const child of asArray(value)) {
      if (key === name && typeof child === "object" && child !== null) found.push(child as XNode);
      else found.push(...descendants(child, name, depth + 1));
    }
  }
  return found;
}

/** The five predefined entities and character references (XML 1.0 §4.6, §4.1); nothing else is expanded. */
function decodeXml(value: string): string {
  return value.replace(/&(lt|gt|amp|apos|quot|#\d+|#x[0-9a-fA-F]+);/g, (match, entity: string) => {
    switch (entity) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "apos":
        return "'";
      case "quot":
        return '"';
    }
    const code = entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}

function nonEmpty<T>(values: T[]): T[] | undefined {
  return values.length > 0 ? values : undefined;
}

/** Drops undefined members so results read cleanly and compare with toEqual. */
function prune<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
