import { z } from "zod";
import { addressSchema, codeSchema, commentSchema, identifierSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Results`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const resultsEntrySchema = codeSchema.extend({
  Encounter: z
    .looseObject({
      Identifiers: z.array(identifierSchema).nullish(),
      Status: optionalText,
      Type: codeSchema.nullish(),
      DateTime: optionalDateTime,
      EndDateTime: optionalDateTime,
    })
    .nullish(),
  Status: optionalText,
  Producer: z
    .looseObject({
      ID: optionalText,
      Name: optionalText,
      IDType: optionalText,
      Address: addressSchema.nullish(),
    })
    .nullish(),
  Specimen: z
    .looseObject({
      CollectionDateTime: optionalDateTime,
      Identifiers: z.array(z.string()).nullish(),
      Source: codeSchema.nullish(),
      TargetSite: codeSchema.nullish(),
    })
    .nullish(),
  Observations: z
    .array(
      codeSchema.extend({
        Status: optionalText,
        Interpretation: optionalText,
        DateTime: optionalDateTime,
        CodedValue: codeSchema.nullish(),
        Value: optionalText,
        ValueType: optionalText,
        Units: optionalText,
        ReferenceRange: z
          .looseObject({
            Low: optionalText,
            High: optionalText,
            Text: optionalText,
          })
          .nullish(),
        Comments: z.array(commentSchema).nullish(),
      }),
    )
    .nullish(),
});

export const resultsSchema = z.array(resultsEntrySchema).nullish();

export type ResultsEntry = z.infer<typeof resultsEntrySchema>;
