import { z } from "zod";
import { optionalDateTime, optionalText } from "./primitives.js";

/** Redox identifies things by string or number ids (`"Message": {"ID": 5565}`). */
const redoxId = z.union([z.string(), z.number()]);

export const destinationRef = z.object({
  ID: z.string().min(1, "expected a destination id"),
  Name: optionalText,
});

export const metaSchema = z.looseObject({
  DataModel: z.string({ error: 'expected the data model name, such as "Clinical Summary" or "Media"' }),
  EventType: z.string({ error: 'expected the event type, such as "PatientPush" or "New"' }),
  EventDateTime: optionalDateTime,
  Test: z.boolean().nullish(),
  Source: z.looseObject({ ID: redoxId.nullish(), Name: optionalText }).nullish(),
  Destinations: z.array(destinationRef).min(1, "expected at least one destination"),
  Logs: z.array(z.looseObject({ ID: optionalText, AttemptID: optionalText })).nullish(),
  Message: z.looseObject({ ID: redoxId.nullish() }).nullish(),
  Transmission: z.looseObject({ ID: redoxId.nullish() }).nullish(),
  FacilityCode: optionalText,
  Extensions: z.record(z.string(), z.unknown()).nullish(),
});

export type Meta = z.infer<typeof metaSchema>;

/** One entry of `Meta.Logs` in a response: Conduit's id for the message to one destination. */
export interface RedoxLog {
  ID: string;
  AttemptID: string;
}

/** Redox's error shape, `Meta.Errors[]`. */
export interface RedoxError {
  ID: number;
  Text: string;
  Type: "message" | "auth" | "system";
  Module: "Request" | "Send" | "Auth" | "Server";
}
