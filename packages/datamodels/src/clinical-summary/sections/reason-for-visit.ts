import { z } from "zod";
import { codeSchema } from "../../common.js";

/** Redox ClinicalSummary `ReasonForVisit` (VisitPush only). Every field nullable, as Redox sends it; unknown fields pass through. */
export const reasonForVisitEntrySchema = codeSchema.extend({
  Category: codeSchema.nullish(),
});

export const reasonForVisitSchema = z.array(reasonForVisitEntrySchema).nullish();

export type ReasonForVisitEntry = z.infer<typeof reasonForVisitEntrySchema>;
