import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `VitalSigns`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const vitalSignsEntrySchema = z.looseObject({
  DateTime: optionalDateTime,
  Observations: z
    .array(
      codeSchema.extend({
        Status: optionalText,
        Interpretation: optionalText,
        DateTime: optionalDateTime,
        Value: optionalText,
        Units: optionalText,
        TargetSite: codeSchema.nullish(),
        Comments: z.array(commentSchema).nullish(),
      }),
    )
    .nullish(),
});

export const vitalSignsSchema = z.array(vitalSignsEntrySchema).nullish();

export type VitalSignsEntry = z.infer<typeof vitalSignsEntrySchema>;
