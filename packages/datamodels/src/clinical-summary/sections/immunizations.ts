import { z } from "zod";
import { codeSchema, quantitySchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Immunizations`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const immunizationsEntrySchema = z.looseObject({
  /** Not in Redox's schema: a C-CDA `negationInd="true"` entry (the patient does not have / did not get this). */
  IsNegativeIndicator: optionalBoolean,
  DateTime: optionalDateTime,
  Route: codeSchema.nullish(),
  Status: optionalText,
  Product: codeSchema
    .extend({
      Manufacturer: optionalText,
      LotNumber: optionalText,
    })
    .nullish(),
  Dose: quantitySchema.nullish(),
});

export const immunizationsSchema = z.array(immunizationsEntrySchema).nullish();

export type ImmunizationsEntry = z.infer<typeof immunizationsEntrySchema>;
