import { z } from "zod";
import { optionalDateTime, optionalText } from "./primitives.js";

export const addressSchema = z.looseObject({
  StreetAddress: optionalText,
  City: optionalText,
  State: optionalText,
  ZIP: optionalText,
  County: optionalText,
  Country: optionalText,
});

export const identifierSchema = z.looseObject({
  ID: z.string({ error: "expected the identifier as a string" }),
  IDType: optionalText,
});

export const providerSchema = z.looseObject({
  ID: optionalText,
  IDType: optionalText,
  Type: optionalText,
  FirstName: optionalText,
  LastName: optionalText,
  Credentials: z.array(z.string()).nullish(),
  Address: addressSchema.nullish(),
  EmailAddresses: z.array(z.unknown()).nullish(),
  PhoneNumber: z.looseObject({ Office: optionalText }).nullish(),
  Location: z.looseObject({}).nullish(),
});

/** Redox sends `Male`/`Female`/`Unknown`/`Other`; many senders use HL7's `M`/`F`/`U`. Both are accepted. */
export const sexSchema = z.string().nullish();

export const demographicsSchema = z.looseObject({
  FirstName: optionalText,
  MiddleName: optionalText,
  LastName: optionalText,
  DOB: optionalDateTime,
  SSN: optionalText,
  Sex: sexSchema,
  Race: optionalText,
  IsHispanic: z.boolean().nullish(),
  MaritalStatus: optionalText,
  IsDeceased: z.boolean().nullish(),
  DeathDateTime: optionalDateTime,
  PhoneNumber: z.looseObject({ Home: optionalText, Office: optionalText, Mobile: optionalText }).nullish(),
  EmailAddresses: z.array(z.unknown()).nullish(),
  Language: optionalText,
  Citizenship: z.array(z.unknown()).nullish(),
  Address: addressSchema.nullish(),
});

export const patientSchema = z.looseObject({
  Identifiers: z.array(identifierSchema).nullish(),
  Demographics: demographicsSchema.nullish(),
  Notes: z.array(z.unknown()).nullish(),
});

export type Address = z.infer<typeof addressSchema>;
export type Provider = z.infer<typeof providerSchema>;
export type Patient = z.infer<typeof patientSchema>;
