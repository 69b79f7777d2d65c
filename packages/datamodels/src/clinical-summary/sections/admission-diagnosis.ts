import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime } from "../../primitives.js";

/** Redox ClinicalSummary `AdmissionDiagnosis` (VisitPush only). Every field nullable, as Redox sends it; unknown fields pass through. */
export const admissionDiagnosisEntrySchema = codeSchema.extend({
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Status: codeSchema.nullish(),
  IsNegativeIndicator: optionalBoolean,
  Comments: z.array(commentSchema).nullish(),
});

export const admissionDiagnosisSchema = z.array(admissionDiagnosisEntrySchema).nullish();

export type AdmissionDiagnosisEntry = z.infer<typeof admissionDiagnosisEntrySchema>;
