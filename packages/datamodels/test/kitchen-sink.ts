import { z } from "zod";

/**
 * A payload with every field of a schema filled, for the round-trip test: strings get distinct values (so a value
 * that lands in the wrong field is caught), dates, codes and words get values of the kind their field holds.
 */
type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
};

const wordsByKey: Record<string, string> = {
  Sex: "Female",
  Interpretation: "High",
  MaritalStatus: "Married",
  Race: "White",
  Ethnicity: "Not Hispanic or Latino",
  Language: "en",
  Locale: "en-US",
  CodeSystem: "2.16.840.1.113883.6.96",
  CodeSystemName: "SNOMED CT",
  DataModel: "Clinical Summary",
  EventType: "VisitPush",
  ValueType: "String",
  Units: "mg",
  Unit: "h",
  Relationship: "Self",
};

export function kitchenSink(schema: z.ZodType): unknown {
  let counter = 0;
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const fill = (node: JsonSchema, key: string): unknown => {
    const flatten = (item: JsonSchema): JsonSchema[] =>
      item.anyOf
        ? item.anyOf.flatMap(flatten)
        : Array.isArray(item.type)
          ? item.type.map((type) => ({ ...item, type }))
          : [item];
    const chosen = flatten(node).find((option) => option.type !== "null") ?? {};
    if (chosen.properties)
      return Object.fromEntries(Object.entries(chosen.properties).map(([name, child]) => [name, fill(child, name)]));
    if (chosen.type === "array") return [fill(chosen.items ?? { type: "string" }, key)];
    if (chosen.type === "boolean") return true;
    counter += 1;
    if (chosen.type === "number" || /Quantity|Period|NumberOf|AgeAtOnset|Low|High|Priority$/.test(key))
      return String(counter);
    if (/(Date|DateTime|DOB|EstimatedDelivery)$/.test(key))
      return `20${String(10 + (counter % 15)).padStart(2, "0")}-0${1 + (counter % 9)}-1${counter % 9}T04:00:00.000Z`;
    if (/^DirectAddress/.test(key)) return `user${counter}@direct.example.org`;
    if (key === "Status") return "completed";
    if (key === "Value") return String(counter);
    return wordsByKey[key] ?? `${key}-${counter}`;
  };
  return fill(json, "");
}
