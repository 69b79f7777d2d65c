import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `SocialHistory`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const socialHistorySchema = z
  .looseObject({
    Observations: z
      .array(
        codeSchema.extend({
          Value: codeSchema.nullish(),
          ValueText: optionalText,
          Units: optionalText,
          StartDate: optionalDateTime,
          EndDate: optionalDateTime,
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
    Pregnancy: z
      .array(
        z.looseObject({
          StartDate: optionalDateTime,
          EndDate: optionalDateTime,
          EstimatedDelivery: optionalDateTime,
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
    TobaccoUse: z
      .array(
        codeSchema.extend({
          IsSmokingStatus: optionalBoolean,
          StartDate: optionalDateTime,
          EndDate: optionalDateTime,
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
  })
  .nullish();

export type SocialHistorySection = z.infer<typeof socialHistorySchema>;
