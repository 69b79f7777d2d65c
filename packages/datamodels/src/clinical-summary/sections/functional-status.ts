import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalDateTime, optionalNumber, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `FunctionalStatus`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const functionalStatusSchema = z
  .looseObject({
    Observations: z
      .array(
        codeSchema.extend({
          DateTime: optionalDateTime,
          CodedValue: codeSchema.nullish(),
          Value: optionalText,
          Units: optionalText,
          ReferenceRange: z
            .looseObject({
              Low: optionalNumber,
              High: optionalNumber,
              Text: optionalText,
            })
            .nullish(),
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
    Supplies: z
      .array(
        codeSchema.extend({
          Status: optionalText,
          DateTime: optionalDateTime,
        }),
      )
      .nullish(),
  })
  .nullish();

export type FunctionalStatusSection = z.infer<typeof functionalStatusSchema>;
