import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Assessment` (VisitPush only). Every field nullable, as Redox sends it; unknown fields pass through. */
export const assessmentSchema = z
  .looseObject({
    Diagnoses: z
      .array(
        z.looseObject({
          Value: optionalText,
          DateTime: optionalDateTime,
          IsNegativeIndicator: optionalBoolean,
          Codes: z.array(codeSchema).nullish(),
          Comments: z.array(commentSchema).nullish(),
        }),
      )
      .nullish(),
  })
  .nullish();

export type AssessmentSection = z.infer<typeof assessmentSchema>;
