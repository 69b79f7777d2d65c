import { z } from "zod";
import { codeSchema, commentSchema, identifierSchema, organizationSchema, providerSchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Encounters`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const encountersEntrySchema = z.looseObject({
  Identifiers: z.array(identifierSchema).nullish(),
  Status: optionalText,
  Type: codeSchema.nullish(),
  DateTime: optionalDateTime,
  EndDateTime: optionalDateTime,
  Providers: z.array(providerSchema).nullish(),
  Locations: z.array(organizationSchema).nullish(),
  Diagnosis: z
    .array(
      codeSchema.extend({
        StartDate: optionalDateTime,
        EndDate: optionalDateTime,
        Status: codeSchema.nullish(),
        IsNegativeIndicator: optionalBoolean,
        Comments: z.array(commentSchema).nullish(),
      }),
    )
    .nullish(),
  ReasonForVisit: z.array(codeSchema).nullish(),
  DischargeDisposition: codeSchema.nullish(),
});

export const encountersSchema = z.array(encountersEntrySchema).nullish();

export type EncountersEntry = z.infer<typeof encountersEntrySchema>;
