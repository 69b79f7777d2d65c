import type { z } from "zod";
import type { RedoxError } from "./envelope.js";

/** `Header.Patient.Identifiers[0].ID` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "(body)";
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    // A schema's own message says best what was expected; zod's default one is reworded to name the field's state.
    if (!issue.message.startsWith("Invalid input")) return issue.message;
    // zod 4 leaves `input` off issues unless asked; its default message names what it received.
    const received = /received (\w+)$/.exec(issue.message)?.[1] ?? typeName(issue.input);
    if (received === "undefined") return `required: expected ${issue.expected}`;
    return `expected ${issue.expected}, received ${received}`;
  }
  if (issue.code === "unrecognized_keys") return `unexpected field(s) ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_union" && issue.message.startsWith("Invalid input")) {
    // Name what each alternative wanted ("expected string or object"), not zod's bare "Invalid input".
    const expected = [...new Set(issue.errors.map((branch) => branch.map(describeIssue).join("; ")))].filter(Boolean);
    if (expected.length) return expected.join(", or ");
  }
  return issue.message;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

export function requestError(id: number, text: string, module: RedoxError["Module"] = "Request"): RedoxError {
  return { ID: id, Text: text, Type: "message", Module: module };
}

/** One Redox error per failing path, each naming the path and what was expected. */
export function redoxErrorsFromZod(error: z.ZodError, pathPrefix: readonly PropertyKey[] = []): RedoxError[] {
  return error.issues.map((issue, index) =>
    requestError(index + 1, `${formatPath([...pathPrefix, ...issue.path])}: ${describeIssue(issue)}`),
  );
}
