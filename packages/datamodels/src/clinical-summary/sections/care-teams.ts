import { z } from "zod";
import { addressSchema, codeSchema, identifierSchema, organizationSchema, telecomSchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `CareTeams`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const careTeamsEntrySchema = z.looseObject({
  Name: optionalText,
  Status: optionalText,
  Types: z.array(codeSchema).nullish(),
  Organization: organizationSchema.nullish(),
  Encounter: z
    .looseObject({
      Identifiers: z.array(identifierSchema).nullish(),
      Status: optionalText,
      Type: codeSchema.nullish(),
      DateTime: optionalDateTime,
      EndDateTime: optionalDateTime,
    })
    .nullish(),
  Members: z
    .array(
      z.looseObject({
        Identifiers: z.array(identifierSchema).nullish(),
        FirstName: optionalText,
        MiddleName: optionalText,
        LastName: optionalText,
        Credentials: z.array(z.string()).nullish(),
        Address: addressSchema.nullish(),
        Telecom: z.array(telecomSchema).nullish(),
        StartDateTime: optionalDateTime,
        EndDateTime: optionalDateTime,
        Roles: z.array(codeSchema).nullish(),
      }),
    )
    .nullish(),
});

export const careTeamsSchema = z.array(careTeamsEntrySchema).nullish();

export type CareTeamsEntry = z.infer<typeof careTeamsEntrySchema>;
