import { z } from "zod";
import { codeSchema, locationSchema, organizationSchema, patientSchema, providerSchema } from "../common.js";
import { directAddress, optionalDateTime, optionalText } from "../primitives.js";

export const documentSchema = z.looseObject({
  Author: providerSchema.nullish(),
  ID: optionalText,
  Locale: optionalText,
  Title: optionalText,
  DateTime: optionalDateTime,
  Type: optionalText,
  TypeCode: codeSchema.nullish(),
  Confidentiality: codeSchema.nullish(),
  Custodian: organizationSchema.nullish(),
  Visit: z
    .looseObject({
      StartDateTime: optionalDateTime,
      EndDateTime: optionalDateTime,
      Reason: optionalText,
      VisitNumber: optionalText,
      Type: codeSchema.nullish(),
      Location: locationSchema.nullish(),
      DischargeDisposition: codeSchema.nullish(),
    })
    .nullish(),
});

/**
 * Redox's schema types `DirectAddressFrom`/`DirectAddressTo` as `["null","null"]` (a generator bug); real payloads
 * carry mailboxes there, and delivery depends on them, so they are checked as RFC 5321 mailboxes.
 */
export const clinicalSummaryHeaderSchema = z.looseObject({
  DirectAddressFrom: directAddress.nullish(),
  DirectAddressTo: directAddress.nullish(),
  Document: documentSchema.nullish(),
  Patient: patientSchema,
  PCP: providerSchema.nullish(),
});

export type ClinicalSummaryDocument = z.infer<typeof documentSchema>;
export type ClinicalSummaryHeader = z.infer<typeof clinicalSummaryHeaderSchema>;
