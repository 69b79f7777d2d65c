import { z } from "zod";
import { metaSchema } from "./envelope.js";
import { patientSchema, providerSchema } from "./common.js";
import { mediaFileType, mediaFileTypes } from "./media-types.js";
import { directAddress, optionalDateTime, optionalText } from "./primitives.js";

/** The largest file a Media message may carry, decoded. */
export const maxMediaFileBytes = 10 * 1024 * 1024;

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodedBase64Length(value: string): number {
  const padding = value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0;
  return (value.length / 4) * 3 - padding;
}

/** Base64 as senders send it: line breaks and spaces are allowed and ignored, anything else is refused. */
export const fileContentsSchema = z
  .string({ error: "expected the file as a base64 string" })
  .transform((value) => value.replace(/[\r\n\t ]/g, ""))
  .refine((value) => value.length > 0, { message: "expected the file as base64; the value is empty" })
  .refine((value) => base64Pattern.test(value), { message: "expected valid base64 (A-Z, a-z, 0-9, +, / and = padding)" })
  .refine((value) => decodedBase64Length(value) <= maxMediaFileBytes, {
    message: `the file is larger than ${maxMediaFileBytes / 1024 / 1024} MB`,
  });

export const mediaSchema = z.looseObject({
  FileType: z.string({ error: "expected the file type, such as PDF" }).refine((value) => !!mediaFileType(value), {
    message: `expected one of ${Object.keys(mediaFileTypes).join(", ")}`,
  }),
  FileName: z.string({ error: "expected the file name" }).min(1, "expected the file name"),
  FileContents: fileContentsSchema,
  DocumentType: z.string({ error: "expected the document type" }).min(1, "expected the document type"),
  DocumentID: z.string({ error: "expected the document id" }).min(1, "expected the document id"),
  DocumentDescription: optionalText,
  CreationDateTime: optionalDateTime,
  ServiceDateTime: optionalDateTime,
  DirectAddressFrom: directAddress.nullish(),
  DirectAddressTo: directAddress.nullish(),
  Provider: providerSchema.extend({ ID: z.string({ error: "expected the provider's id" }) }),
  Authenticated: optionalText,
  Authenticator: providerSchema.nullish(),
  Availability: optionalText,
  Notifications: z.array(providerSchema).nullish(),
});

export const mediaNewSchema = z.looseObject({
  Meta: metaSchema,
  Patient: patientSchema,
  Visit: z.looseObject({}).nullish(),
  Media: mediaSchema,
  Orders: z.array(z.unknown()).nullish(),
});

export type MediaNew = z.infer<typeof mediaNewSchema>;
export type Media = z.infer<typeof mediaSchema>;
