import { z } from "zod";
import { optionalBoolean, optionalDateTime, optionalNumber, optionalText } from "./primitives.js";

/**
 * Building blocks that recur across Redox data models. Redox's schemas repeat these shapes inline hundreds of times;
 * here each is declared once. Objects are loose: fields Redox adds later pass through rather than being refused.
 */

export const addressSchema = z.looseObject({
  StreetAddress: optionalText,
  City: optionalText,
  State: optionalText,
  ZIP: optionalText,
  County: optionalText,
  Country: optionalText,
});

/** A coded value. `CodeSystem` is an OID in Redox's samples; `CodeSystemName` a name such as `SNOMED CT`. */
const codeFields = {
  Code: optionalText,
  CodeSystem: optionalText,
  CodeSystemName: optionalText,
  Name: optionalText,
};
export const altCodeSchema = z.looseObject(codeFields);
export const codeSchema = z.looseObject({ ...codeFields, AltCodes: z.array(altCodeSchema).nullish() });

export const identifierSchema = z.looseObject({
  ID: optionalText,
  IDType: optionalText,
  Type: optionalText,
});

/**
 * A patient identifier that must carry its value and type: Media requires both (Redox's Media schema does), since
 * without them the receiver cannot file the document. ClinicalSummary tolerates nulls, as Redox does.
 */
export const patientIdentifierSchema = identifierSchema.extend({
  ID: z.string({ error: "expected the identifier as a string" }),
  IDType: z.string({ error: "expected the identifier's type, such as MR" }),
});

export const telecomSchema = z.looseObject({ Value: optionalText, Use: optionalText, System: optionalText });

export const quantitySchema = z.looseObject({ Quantity: optionalNumber, Units: optionalText });

export const commentSchema = z.looseObject({ Text: optionalText });

/** Redox sends e-mail addresses as strings in some places and as `{ Address }` in others. */
export const emailAddressSchema = z.union([z.string(), z.looseObject({ Address: optionalText })]);

export const locationSchema = z.looseObject({
  Type: optionalText,
  Facility: optionalText,
  FacilityIdentifiers: z.array(identifierSchema).nullish(),
  Department: optionalText,
  DepartmentIdentifiers: z.array(identifierSchema).nullish(),
  Room: optionalText,
  Bed: optionalText,
});

export const organizationSchema = z.looseObject({
  Identifiers: z.array(identifierSchema).nullish(),
  Name: optionalText,
  Type: codeSchema.nullish(),
  Address: addressSchema.nullish(),
  Telecom: z.array(telecomSchema).nullish(),
});

/**
 * A provider. `ID` with `IDType` `NPI` is an NPI, but its check digit is not enforced: Redox's own samples carry
 * `4356789876`, which fails it (see `isValidNpi`).
 */
export const providerSchema = z.looseObject({
  ID: optionalText,
  IDType: optionalText,
  NPI: optionalText,
  Type: optionalText,
  FirstName: optionalText,
  LastName: optionalText,
  Credentials: z.array(z.string()).nullish(),
  Address: addressSchema.nullish(),
  EmailAddresses: z.array(emailAddressSchema).nullish(),
  PhoneNumber: z.looseObject({ Office: optionalText }).nullish(),
  Location: locationSchema.nullish(),
  Role: codeSchema.nullish(),
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
  RaceCodes: z.array(codeSchema).nullish(),
  IsHispanic: optionalBoolean,
  Ethnicity: optionalText,
  EthnicGroupCodes: z.array(codeSchema).nullish(),
  Religion: optionalText,
  MaritalStatus: optionalText,
  IsDeceased: optionalBoolean,
  DeathDateTime: optionalDateTime,
  PhoneNumber: z.looseObject({ Home: optionalText, Office: optionalText, Mobile: optionalText }).nullish(),
  EmailAddresses: z.array(emailAddressSchema).nullish(),
  Language: optionalText,
  Citizenship: z.array(z.unknown()).nullish(),
  Address: addressSchema.nullish(),
});

export const patientSchema = z.looseObject({
  Identifiers: z.array(identifierSchema).nullish(),
  Demographics: demographicsSchema.nullish(),
  Organization: organizationSchema.nullish(),
  Notes: z.array(z.unknown()).nullish(),
});

export type Address = z.infer<typeof addressSchema>;
export type Code = z.infer<typeof codeSchema>;
export type Identifier = z.infer<typeof identifierSchema>;
export type Telecom = z.infer<typeof telecomSchema>;
export type Organization = z.infer<typeof organizationSchema>;
export type Location = z.infer<typeof locationSchema>;
export type Provider = z.infer<typeof providerSchema>;
export type Demographics = z.infer<typeof demographicsSchema>;
export type Patient = z.infer<typeof patientSchema>;
