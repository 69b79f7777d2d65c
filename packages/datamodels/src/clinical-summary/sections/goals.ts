import { z } from "zod";
import { codeSchema, commentSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Goals`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const goalsEntrySchema = codeSchema.extend({
  DateTime: optionalDateTime,
  CodedValue: codeSchema.nullish(),
  Value: optionalText,
  Units: optionalText,
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Priority: codeSchema.nullish(),
  AchievementStatus: codeSchema.nullish(),
  Milestones: z
    .array(
      codeSchema.extend({
        DateTime: optionalDateTime,
        CodedValue: codeSchema.nullish(),
        Value: optionalText,
        Units: optionalText,
        StartDate: optionalDateTime,
        EndDate: optionalDateTime,
        Priority: codeSchema.nullish(),
        AchievementStatus: codeSchema.nullish(),
      }),
    )
    .nullish(),
  Comments: z.array(commentSchema).nullish(),
});

export const goalsSchema = z.array(goalsEntrySchema).nullish();

export type GoalsEntry = z.infer<typeof goalsEntrySchema>;
