import { toHl7Time } from "../src/ccda/hl7-time.js";

type Leaf = string | number | boolean;

/** Every non-empty leaf of a payload, by path (`Allergies[0].Substance.Code`). */
export function leaves(value: unknown, path = "", out = new Map<string, Leaf>()): Map<string, Leaf> {
  if (value === null || value === undefined || value === "") return out;
  if (Array.isArray(value)) value.forEach((item, index) => leaves(item, `${path}[${index}]`, out));
  else if (typeof value === "object")
    for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, out);
  else out.set(path, value as Leaf);
  return out;
}

/** Dates compare by their HL7 form (same instant written the same way), numbers by value, text trimmed. */
function same(a: Leaf, b: Leaf): boolean {
  if (typeof a === "string" && typeof b === "string") {
    const timeA = /^\d{4}/.test(a) ? toHl7Time(a) : undefined;
    const timeB = /^\d{4}/.test(b) ? toHl7Time(b) : undefined;
    if (timeA && timeB) return timeA === timeB;
    return a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();
  }
  if (String(a) === String(b)) return true;
  return false;
}

/** Paths of `before` whose value `after` does not carry, with indices generalised (`Allergies[].Comment`). */
export function lostFields(before: unknown, after: unknown): string[] {
  const afterLeaves = leaves(after);
  const lost = new Set<string>();
  for (const [path, value] of leaves(before)) {
    const found = afterLeaves.get(path);
    if (found === undefined || !same(value, found)) lost.add(path.replace(/\[\d+\]/g, "[]"));
  }
  return [...lost].sort();
}
