import { z } from "zod";
import { addressSchema, identifierSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Insurances`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const insurancesEntrySchema = z.looseObject({
  Plan: z
    .looseObject({
      ID: optionalText,
      IDType: optionalText,
      Name: optionalText,
      Type: optionalText,
    })
    .nullish(),
  MemberNumber: optionalText,
  Company: z
    .looseObject({
      ID: optionalText,
      IDType: optionalText,
      Name: optionalText,
      Address: addressSchema.nullish(),
      PhoneNumber: optionalText,
    })
    .nullish(),
  GroupNumber: optionalText,
  GroupName: optionalText,
  EffectiveDate: optionalDateTime,
  ExpirationDate: optionalDateTime,
  PolicyNumber: optionalText,
  Priority: optionalText,
  AgreementType: optionalText,
  CoverageType: optionalText,
  Insured: z
    .looseObject({
      Identifiers: z.array(identifierSchema).nullish(),
      LastName: optionalText,
      MiddleName: optionalText,
      FirstName: optionalText,
      SSN: optionalText,
      Relationship: optionalText,
      DOB: optionalDateTime,
      Sex: optionalText,
      Address: addressSchema.nullish(),
    })
    .nullish(),
});

export const insurancesSchema = z.array(insurancesEntrySchema).nullish();

export type InsurancesEntry = z.infer<typeof insurancesEntrySchema>;
