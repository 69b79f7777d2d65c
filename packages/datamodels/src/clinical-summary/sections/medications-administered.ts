import { z } from "zod";
import { codeSchema, quantitySchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `MedicationsAdministered` (VisitPush only). Every field nullable, as Redox sends it; unknown fields pass through. */
export const medicationsAdministeredEntrySchema = z.looseObject({
  Dose: quantitySchema.nullish(),
  Rate: quantitySchema.nullish(),
  Route: codeSchema.nullish(),
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Frequency: z
    .looseObject({
      Period: optionalText,
      Unit: optionalText,
    })
    .nullish(),
  Product: codeSchema.nullish(),
  ReasonNotGiven: optionalText,
});

export const medicationsAdministeredSchema = z.array(medicationsAdministeredEntrySchema).nullish();

export type MedicationsAdministeredEntry = z.infer<typeof medicationsAdministeredEntrySchema>;
