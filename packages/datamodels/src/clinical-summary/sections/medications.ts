import { z } from "zod";
import { codeSchema, quantitySchema } from "../../common.js";
import { optionalBoolean, optionalDateTime, optionalNumber, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Medications`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const medicationsEntrySchema = z.looseObject({
  Prescription: optionalBoolean,
  /** Not in Redox's schema: a C-CDA `negationInd="true"` entry (the patient does not have / did not get this). */
  IsNegativeIndicator: optionalBoolean,
  FreeTextSig: optionalText,
  Dose: quantitySchema.nullish(),
  Rate: quantitySchema.nullish(),
  Route: codeSchema.nullish(),
  Status: optionalText,
  StartDate: optionalDateTime,
  EndDate: optionalDateTime,
  Frequency: z
    .looseObject({
      Period: optionalText,
      PeriodMax: optionalText,
      Unit: optionalText,
      EventCode: optionalText,
      InstitutionSpecified: optionalBoolean,
    })
    .nullish(),
  NumberOfRefillsRemaining: optionalNumber,
  IsPRN: optionalBoolean,
  Product: codeSchema.nullish(),
  Indications: z.array(codeSchema).nullish(),
  SupplyOrder: z
    .looseObject({
      StartDate: optionalDateTime,
      EndDate: optionalDateTime,
      Quantity: optionalText,
      Units: optionalText,
      NumberOfRefillsRemaining: optionalNumber,
    })
    .nullish(),
});

export const medicationsSchema = z.array(medicationsEntrySchema).nullish();

export type MedicationsEntry = z.infer<typeof medicationsEntrySchema>;
