import type { MediaNew, MediaReplace } from "../media.js";
import { isUploadReference } from "../media.js";
import { mediaFileType } from "../media-types.js";
import { address, identifier, personName, phone, templateIds, time } from "./datatypes.js";
import { identifierRoot } from "./ids.js";
import { idRoots, oids, templates } from "./oids.js";
import { assignedProvider } from "./people.js";
import type { DocumentVersion } from "./render-document.js";
import { administrativeGender } from "./value-sets.js";
import { el, serializeXml } from "./xml-writer.js";

export interface UnstructuredOptions {
  documentIdRoot?: string;
  custodianName: string;
  now?: Date;
  /** For a Media Replace this is derived from OriginalDocumentID unless given. */
  version?: DocumentVersion;
  /**
   * Inline the file as base64 (default), or point at it by file name when it travels beside the document as a
   * separate attachment of the same Direct message (C-CDA R2.1 Unstructured Document, 1.1.1.10: "reference").
   */
  embed?: boolean;
  pretty?: boolean;
}

/** Media types the Unstructured Document template allows for nonXMLBody (C-CDA R2.1 SupportedFileFormats). */
const supportedMediaTypes = new Set([
  "application/msword",
  "application/pdf",
  "text/plain",
  "text/rtf",
  "application/rtf",
  "text/html",
  "image/gif",
  "image/tiff",
  "image/jpeg",
  "image/png",
]);

/** Generic LOINC document code "Note" for files whose Redox DocumentType names no LOINC document type. */
const noteDocumentCode = { code: "34109-9", displayName: "Note" };

/**
 * Wraps a Media file in a C-CDA R2.1 Unstructured Document (US Realm Header + nonXMLBody), for destinations that
 * want every attachment to be a CDA document. A Media Replace becomes the next version of the document it names,
 * with `relatedDocument typeCode="RPLC"`.
 */
export function renderUnstructuredDocument(payload: MediaNew | MediaReplace, options: UnstructuredOptions): string {
  const media = payload.Media;
  const type = mediaFileType(media.FileType);
  if (!type || !supportedMediaTypes.has(type.mime)) {
    throw new Error(
      `Media.FileType ${media.FileType} cannot travel in an Unstructured Document (allowed: PDF, TXT, RTF, HTML, GIF, TIFF, JPEG, PNG, DOC)`,
    );
  }
  if (isUploadReference(media.FileContents) && options.embed !== false) {
    throw new Error("Media.FileContents is an upload reference: fetch the file first, or render with embed: false");
  }
  const root = options.documentIdRoot ?? idRoots.conduitDocuments;
  const original = (media as { OriginalDocumentID?: string }).OriginalDocumentID;
  const version: DocumentVersion | undefined =
    options.version ?? (original ? { setId: original, versionNumber: 2, parentDocumentId: original } : undefined);
  // Redox gives the replacement its own DocumentID; the chain is carried by setId and the parent.
  const documentId = media.DocumentID;
  const demographics = payload.Patient.Demographics ?? {};
  const gender = administrativeGender[(demographics.Sex ?? "").toLowerCase()];
  const when = time("effectiveTime", media.CreationDateTime ?? (options.now ?? new Date()).toISOString());
  const fileName = media.FileName.toLowerCase().endsWith(`.${type.extension}`)
    ? media.FileName
    : `${media.FileName}.${type.extension}`;
  return serializeXml(
    el(
      "ClinicalDocument",
      {
        xmlns: "urn:hl7-org:v3",
        "xmlns:sdtc": "urn:hl7-org:sdtc",
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
      },
      el("realmCode", { code: "US" }),
      el("typeId", { root: oids.cdaTypeId, extension: "POCD_HD000040" }),
      templateIds(templates.usRealmHeader, templates.unstructuredDocument),
      el("id", { root, extension: documentId }),
      el(
        "code",
        {
          code: noteDocumentCode.code,
          codeSystem: oids.loinc,
          codeSystemName: "LOINC",
          displayName: noteDocumentCode.displayName,
        },
        el("originalText", {}, media.DocumentType),
      ),
      el("title", {}, media.DocumentDescription ?? media.DocumentType),
      el("effectiveTime", { value: when.attributes.value }),
      el("confidentialityCode", { code: "N", codeSystem: oids.confidentiality }),
      el("languageCode", { code: "en-US" }),
      el("setId", { root, extension: version?.setId ?? documentId }),
      el("versionNumber", { value: String(version?.versionNumber ?? 1) }),
      el(
        "recordTarget",
        {},
        el(
          "patientRole",
          {},
          payload.Patient.Identifiers.filter((id) => id.ID).map((id) => identifier(id)),
          address(demographics.Address, "HP"),
          phone(demographics.PhoneNumber?.Home, "HP") ?? el("telecom", { nullFlavor: "UNK" }),
          el(
            "patient",
            {},
            personName(demographics, "L"),
            gender
              ? el("administrativeGenderCode", {
                  code: gender.code,
                  codeSystem: oids.administrativeGender,
                  displayName: gender.displayName,
                })
              : el("administrativeGenderCode", { nullFlavor: "UNK" }),
            time("birthTime", demographics.DOB),
          ),
        ),
      ),
      el(
        "author",
        {},
        el("time", { value: when.attributes.value }),
        el("assignedAuthor", {}, assignedProvider(media.Provider)),
      ),
      el(
        "custodian",
        {},
        el(
          "assignedCustodian",
          {},
          el(
            "representedCustodianOrganization",
            {},
            el("id", { root: identifierRoot(`custodian:${options.custodianName}`) }),
            el("name", {}, options.custodianName),
            el("telecom", { nullFlavor: "UNK" }),
            el("addr", { nullFlavor: "UNK" }),
          ),
        ),
      ),
      media.DirectAddressTo
        ? el(
            "informationRecipient",
            {},
            el("intendedRecipient", {}, el("telecom", { use: "WP", value: `mailto:${media.DirectAddressTo}` })),
          )
        : undefined,
      version?.parentDocumentId
        ? el(
            "relatedDocument",
            { typeCode: "RPLC" },
            el(
              "parentDocument",
              {},
              el("id", { root, extension: version.parentDocumentId }),
              el("setId", { root, extension: version.setId }),
              el("versionNumber", { value: String(Math.max(1, version.versionNumber - 1)) }),
            ),
          )
        : undefined,
      el(
        "component",
        {},
        el(
          "nonXMLBody",
          {},
          options.embed === false
            ? el("text", { mediaType: type.mime }, el("reference", { value: fileName }))
            : el("text", { mediaType: type.mime, representation: "B64" }, media.FileContents),
        ),
      ),
    ),
    { pretty: options.pretty },
  );
}
