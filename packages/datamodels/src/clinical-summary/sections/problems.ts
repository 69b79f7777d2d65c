import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Problems`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const problemsEntrySchema = codeSchema.extend({
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
