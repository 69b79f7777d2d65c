import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Problems`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const problemsEntrySchema = codeSchema.extend({
  /** Not in Redox's schema: a C-CDA `negationInd="true"` entry (the patient does not have / did not get this). */
  IsNegativeIndicator: optionalBoolean,
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Category: codeSchema.nullish(),
  Status: codeSchema.nullish(),
  Comment: optionalText,
  Comments: z.array(commentSchema).nullish(),
  HealthStatus: codeSchema.nullish(),
});

export const problemsSchema = z.array(problemsEntrySchema).nullish();

export type ProblemsEntry = z.infer<typeof problemsEntrySchema>;
