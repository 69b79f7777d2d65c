import { z } from "zod";
import { codeSchema, identifierSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `NoteSections`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const noteSectionsEntrySchema = codeSchema.extend({
  Title: optionalText,
  Text: optionalText,
  Notes: z
    .array(
      codeSchema.extend({
        ContentType: optionalText,
        FileContents: optionalText,
        DateTime: optionalDateTime,
        Status: optionalText,
        Encounter: z
          .looseObject({
            Identifiers: z.array(identifierSchema).nullish(),
            Status: optionalText,
            Type: codeSchema.nullish(),
            DateTime: optionalDateTime,
            EndDateTime: optionalDateTime,
          })
          .nullish(),
      }),
    )
    .nullish(),
});

export const noteSectionsSchema = z.array(noteSectionsEntrySchema).nullish();

export type NoteSectionsEntry = z.infer<typeof noteSectionsEntrySchema>;
