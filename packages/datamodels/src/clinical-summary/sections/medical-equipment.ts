import { z } from "zod";
import { codeSchema, commentSchema, identifierSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `MedicalEquipment`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const medicalEquipmentEntrySchema = z.looseObject({
  Status: optionalText,
  StartDate: optionalDateTime,
  Quantity: optionalText,
  Comments: z.array(commentSchema).nullish(),
  Product: codeSchema
    .extend({
      Identifiers: z.array(identifierSchema).nullish(),
      DeviceID: optionalText,
      Issuer: optionalText,
      SerialNumber: optionalText,
      DistinctID: optionalText,
      ManufacturerName: optionalText,
      LotNumber: optionalText,
      ManufactureDate: optionalDateTime,
      ExpirationDate: optionalDateTime,
      BrandName: optionalText,
      ModelNumber: optionalText,
      CatalogNumber: optionalText,
      Status: codeSchema.nullish(),
      SafetyObservations: z.array(codeSchema).nullish(),
    })
    .nullish(),
  Procedure: codeSchema
    .extend({
      TargetSite: codeSchema.nullish(),
    })
    .nullish(),
});

export const medicalEquipmentSchema = z.array(medicalEquipmentEntrySchema).nullish();

export type MedicalEquipmentEntry = z.infer<typeof medicalEquipmentEntrySchema>;
