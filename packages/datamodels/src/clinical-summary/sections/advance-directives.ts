import { z } from "zod";
import { addressSchema, codeSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `AdvanceDirectives`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const advanceDirectivesEntrySchema = codeSchema.extend({
  Type: codeSchema.nullish(),
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  ExternalReference: optionalText,
  VerifiedBy: z
    .array(
      z.looseObject({
        FirstName: optionalText,
        LastName: optionalText,
        Credentials: optionalText,
        DateTime: optionalDateTime,
      }),
    )
    .nullish(),
  Custodians: z
    .array(
      z.looseObject({
        FirstName: optionalText,
        LastName: optionalText,
        Credentials: optionalText,
        Address: addressSchema.nullish(),
      }),
    )
    .nullish(),
});

export const advanceDirectivesSchema = z.array(advanceDirectivesEntrySchema).nullish();

export type AdvanceDirectivesEntry = z.infer<typeof advanceDirectivesEntrySchema>;
