import { z } from "zod";
import { codeSchema, identifierSchema, quantitySchema } from "../../common.js";
import { optionalDateTime, optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `PlanOfCare`. Every field nullable, as Redox sends it; unknown fields pass through. */
export const planOfCareSchema = z
  .looseObject({
    Orders: z
      .array(
        codeSchema.extend({
          Status: optionalText,
          DateTime: optionalDateTime,
        }),
      )
      .nullish(),
    Procedures: z
      .array(
        codeSchema.extend({
          Status: optionalText,
          DateTime: optionalDateTime,
        }),
      )
      .nullish(),
    Encounters: z
      .array(
        codeSchema.extend({
          Identifiers: z.array(identifierSchema).nullish(),
          Status: optionalText,
          DateTime: optionalDateTime,
        }),
      )
      .nullish(),
    MedicationAdministration: z
      .array(
        z.looseObject({
          Status: optionalText,
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
        }),
      )
      .nullish(),
    Supplies: z
      .array(
        codeSchema.extend({
          Status: optionalText,
          DateTime: optionalDateTime,
        }),
      )
      .nullish(),
    Services: z
      .array(
        codeSchema.extend({
          Status: optionalText,
          DateTime: optionalDateTime,
        }),
      )
      .nullish(),
  })
  .nullish();

export type PlanOfCareSection = z.infer<typeof planOfCareSchema>;
