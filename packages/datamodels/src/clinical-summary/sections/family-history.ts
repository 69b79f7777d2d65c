import { z } from "zod";
import { codeSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `FamilyHistory`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const familyHistoryEntrySchema = z.looseObject({
  Relation: codeSchema
    .extend({
      Demographics: z
        .looseObject({
          Sex: optionalText,
          DOB: optionalDateTime,
        })
        .nullish(),
      IsDeceased: optionalBoolean,
    })
    .nullish(),
  Problems: z
    .array(
      codeSchema.extend({
        Type: codeSchema.nullish(),
        DateTime: optionalDateTime,
        AgeAtOnset: optionalText,
        IsCauseOfDeath: optionalBoolean,
      }),
    )
    .nullish(),
});

export const familyHistorySchema = z.array(familyHistoryEntrySchema).nullish();

export type FamilyHistoryEntry = z.infer<typeof familyHistoryEntrySchema>;
