import { z } from "zod";
import { codeSchema } from "../../common.js";
import { optionalText } from "../../primitives.js";

/** Redox ClinicalSummary `Instructions` (VisitPush only). Every field nullable, as Redox sends it; unknown fields pass through. */
export const instructionsEntrySchema = codeSchema.extend({
  Text: optionalText,
});

export const instructionsSchema = z.array(instructionsEntrySchema).nullish();

export type InstructionsEntry = z.infer<typeof instructionsEntrySchema>;
