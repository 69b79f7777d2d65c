import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `HealthConcerns`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const healthConcernsEntrySchema = codeSchema.extend({
  ConcernType: optionalText,
  Category: codeSchema.nullish(),
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Value: optionalText,
  Units: optionalText,
  Interpretation: optionalText,
  TargetSite: codeSchema.nullish(),
  Status: optionalText,
  Comments: z.array(commentSchema).nullish(),
});

export const healthConcernsSchema = z.array(healthConcernsEntrySchema).nullish();

export type HealthConcernsEntry = z.infer<typeof healthConcernsEntrySchema>;
