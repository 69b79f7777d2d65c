import { z } from "zod";
import { metaSchema } from "./envelope.js";
import { patientSchema, providerSchema } from "./common.js";
import { directAddress, optionalDateTime, optionalText } from "./primitives.js";

export const documentSchema = z.looseObject({
  Author: providerSchema.nullish(),
  ID: optionalText,
  Locale: optionalText,
  Title: optionalText,
  DateTime: optionalDateTime,
  Type: optionalText,
  TypeCode: z.unknown().optional(),
  Visit: z.unknown().optional(),
});

export const clinicalSummaryHeaderSchema = z.looseObject({
  DirectAddressFrom: directAddress.nullish(),
  DirectAddressTo: directAddress.nullish(),
  Document: documentSchema.nullish(),
  Patient: patientSchema,
  PCP: providerSchema.nullish(),
});

/**
 * ClinicalSummary PatientPush. The section trees (Allergies, Problems, ...) are carried through as sent; their full
 * schemas belong with the complete C-CDA mapping.
 */
export const clinicalSummaryPatientPushSchema = z.looseObject({
  Meta: metaSchema,
  Header: clinicalSummaryHeaderSchema,
});

export type ClinicalSummaryHeader = z.infer<typeof clinicalSummaryHeaderSchema>;
export type ClinicalSummaryPatientPush = z.infer<typeof clinicalSummaryPatientPushSchema>;
