import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Procedures`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const proceduresSchema = z
  .looseObject({
    Observations: z
      .array(
        codeSchema.extend({
          DateTime: optionalDateTime,
          Status: optionalText,
          TargetSite: codeSchema.nullish(),
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
    Procedures: z
      .array(
        codeSchema.extend({
          DateTime: optionalDateTime,
          Status: optionalText,
          TargetSite: codeSchema.nullish(),
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
    Services: z
      .array(
        codeSchema.extend({
          DateTime: optionalDateTime,
          Status: optionalText,
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
  })
  .nullish();

export type ProceduresSection = z.infer<typeof proceduresSchema>;
