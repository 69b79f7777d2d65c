import { z } from "zod";
import { metaSchema } from "./envelope.js";
import { locationSchema, patientIdentifierSchema, patientSchema, providerSchema } from "./common.js";
import { mediaFileType, mediaFileTypes } from "./media-types.js";
import { directAddress, optionalDateTime, optionalText } from "./primitives.js";

/** The largest file a Media message may carry, decoded. */
export const maxMediaFileBytes = 10 * 1024 * 1024;

/**
 * Base64 (RFC 4648 section 4, padded). Checked without a grouped repetition: a pattern like `(?:x{4})*` makes
 * V8's regex engine recurse per group and overflow its stack on a 10 MB file.
 */
export function isBase64(value: string): boolean {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}

/**
 * Redox lets large files be uploaded first and referenced by URL (`https://blob.redoxengine.com/upload/...`) instead
 * of inlined; such a reference is kept as is and fetched by the API, not here (no I/O in this package).
 */
const uploadReferencePattern = /^https:\/\/[^\s/]+\/\S+$/;

export function isUploadReference(value: string): boolean {
  return uploadReferencePattern.test(value);
}

export function decodedBase64Length(value: string): number {
  const padding = value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0;
  return (value.length / 4) * 3 - padding;
}

/** Base64 as senders send it: line breaks and spaces are allowed and ignored, anything else is refused. */
export const fileContentsSchema = z
  .string({ error: "expected the file as a base64 string" })
  .transform((value) => (isUploadReference(value.trim()) ? value.trim() : value.replace(/[\r\n\t ]/g, "")))
  .refine((value) => value.length > 0, { message: "expected the file as base64; the value is empty" })
  .refine((value) => isUploadReference(value) || isBase64(value), {
    message: "expected valid base64 (A-Z, a-z, 0-9, +, / and = padding) or an upload reference URL",
  })
  .refine((value) => isUploadReference(value) || decodedBase64Length(value) <= maxMediaFileBytes, {
    message: `the file is larger than ${maxMediaFileBytes / 1024 / 1024} MB`,
  });

/** Leading bytes of the formats whose content can be told from their first bytes. */
const magicNumbers: Record<string, readonly (readonly number[])[]> = {
  "application/pdf": [[0x25, 0x50, 0x44, 0x46]],
  "image/png": [[0x89, 0x50, 0x4e, 0x47]],
  "image/jpeg": [[0xff, 0xd8, 0xff]],
  "image/gif": [[0x47, 0x49, 0x46, 0x38]],
  "image/tiff": [
    [0x49, 0x49, 0x2a, 0x00],
    [0x4d, 0x4d, 0x00, 0x2a],
  ],
  "image/bmp": [[0x42, 0x4d]],
  "application/zip": [[0x50, 0x4b]],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [[0x50, 0x4b]],
  "application/msword": [[0xd0, 0xcf, 0x11, 0xe0]],
  "application/rtf": [[0x7b, 0x5c, 0x72, 0x74, 0x66]],
};

/**
 * Whether base64 content starts as its declared type's files do. Types without a fixed signature (text, XML,
 * HTML, DICOM's preamble) are not judged. A PDF declared as PNG would otherwise reach the receiver as a broken image.
 */
export function contentMatchesFileType(base64: string, fileType: string): boolean {
  const type = mediaFileType(fileType);
  const signatures = type && magicNumbers[type.mime];
  // Undecodable content is reported by FileContents' own rule; judging it here would only repeat that.
  if (!signatures || isUploadReference(base64) || !isBase64(base64)) return true;
  const head = atob(base64.slice(0, 16));
  return signatures.some((signature) => signature.every((byte, index) => head.charCodeAt(index) === byte));
}

const fileTypeSchema = z
  .string({ error: "expected the file type, such as PDF" })
  .refine((value) => !!mediaFileType(value), { message: `expected one of ${Object.keys(mediaFileTypes).join(", ")}` });

const requiredText = (what: string) => z.string({ error: `expected ${what}` }).min(1, `expected ${what}`);

const mediaBaseShape = {
  FileType: fileTypeSchema,
  FileName: requiredText("the file name"),
  DocumentType: requiredText("the document type"),
  DocumentID: requiredText("the document id"),
  DocumentDescription: optionalText,
  CreationDateTime: optionalDateTime,
  ServiceDateTime: optionalDateTime,
  DirectAddressFrom: directAddress.nullish(),
  DirectAddressTo: directAddress.nullish(),
  Provider: providerSchema.extend({ ID: z.string({ error: "expected the provider's id" }) }),
  Authenticated: optionalText,
  Authenticator: providerSchema.nullish(),
  // Redox lists Availability as required, yet its own samples send null; tolerate that, as Redox does.
  Availability: optionalText,
  Notifications: z.array(providerSchema).nullish(),
};

/** FileContents must be decodable and look like the FileType it claims to be. */
function checkContentMatchesType(media: { FileType: string; FileContents: string }, context: z.RefinementCtx) {
  if (!contentMatchesFileType(media.FileContents, media.FileType)) {
    context.addIssue({
      code: "custom",
      path: ["FileContents"],
      message: `the content is not a ${media.FileType.toUpperCase()} file (its first bytes do not match FileType)`,
    });
  }
}

export const mediaSchema = z
  .looseObject({ ...mediaBaseShape, FileContents: fileContentsSchema })
  .superRefine(checkContentMatchesType);

/** A replacement names the document it replaces; Conduit sends it as the next version of that document. */
export const mediaReplaceSchema = z
  .looseObject({
    ...mediaBaseShape,
    FileContents: fileContentsSchema,
    OriginalDocumentID: requiredText("the id of the document this one replaces"),
  })
  .superRefine(checkContentMatchesType);

/** A deletion carries no file: over Direct it becomes a retraction notice for the named document. */
export const mediaDeleteSchema = z.looseObject(mediaBaseShape);

export const mediaVisitSchema = z.looseObject({
  VisitNumber: optionalText,
  AccountNumber: optionalText,
  Location: locationSchema.nullish(),
});

/** Redox requires Patient.Identifiers on Media: without one the receiver cannot file the document. */
const mediaPatientSchema = patientSchema.extend({
  Identifiers: z.array(patientIdentifierSchema, { error: "expected the patient's identifiers" }),
});

const mediaEnvelope = {
  Meta: metaSchema,
  Patient: mediaPatientSchema,
  Visit: mediaVisitSchema.nullish(),
  Orders: z.array(z.looseObject({ ID: optionalText, Name: optionalText })).nullish(),
};

export const mediaNewSchema = z.looseObject({ ...mediaEnvelope, Media: mediaSchema });
export const mediaReplaceEventSchema = z.looseObject({ ...mediaEnvelope, Media: mediaReplaceSchema });
export const mediaDeleteEventSchema = z.looseObject({ ...mediaEnvelope, Media: mediaDeleteSchema });

export type Media = z.infer<typeof mediaSchema>;
export type MediaNew = z.infer<typeof mediaNewSchema>;
export type MediaReplace = z.infer<typeof mediaReplaceEventSchema>;
export type MediaDelete = z.infer<typeof mediaDeleteEventSchema>;
