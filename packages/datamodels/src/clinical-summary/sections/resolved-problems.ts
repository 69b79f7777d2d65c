import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `ResolvedProblems`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const resolvedProblemsEntrySchema = codeSchema.extend({
  /** Not in Redox's schema: a C-CDA `negationInd="true"` entry (the patient does not have / did not get this). */
  IsNegativeIndicator: optionalBoolean,
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Category: codeSchema.nullish(),
  Status: codeSchema.nullish(),
  Comment: optionalText,
  Comments: z.array(commentSchema).nullish(),
});

export const resolvedProblemsSchema = z.array(resolvedProblemsEntrySchema).nullish();

export type ResolvedProblemsEntry = z.infer<typeof resolvedProblemsEntrySchema>;
