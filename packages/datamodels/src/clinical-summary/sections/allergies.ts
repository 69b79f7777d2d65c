import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Allergies`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const allergiesEntrySchema = z.looseObject({
  Type: codeSchema.nullish(),
  Substance: codeSchema.nullish(),
  Reaction: z
    .array(
      codeSchema.extend({
        Severity: codeSchema.nullish(),
        Text: optionalText,
      }),
    )
    .nullish(),
  Severity: codeSchema.nullish(),
  Criticality: codeSchema.nullish(),
  Status: codeSchema.nullish(),
  IsNegativeIndicator: optionalBoolean,
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Comment: optionalText,
  Comments: z.array(commentSchema).nullish(),
});

export const allergiesSchema = z.array(allergiesEntrySchema).nullish();

export type AllergiesEntry = z.infer<typeof allergiesEntrySchema>;
