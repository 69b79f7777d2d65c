import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime } from "../../primitives.js";

/** Redox ClinicalSummary `DischargeDiagnosis` (VisitPush only). Every field nullable, as Redox sends it; unknown fields pass through. */
export const dischargeDiagnosisEntrySchema = codeSchema.extend({
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Status: codeSchema.nullish(),
  IsNegativeIndicator: optionalBoolean,
  Comments: z.array(commentSchema).nullish(),
});

export const dischargeDiagnosisSchema = z.array(dischargeDiagnosisEntrySchema).nullish();

export type DischargeDiagnosisEntry = z.infer<typeof dischargeDiagnosisEntrySchema>;
