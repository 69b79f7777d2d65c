import type { Code } from "../common.js";
import { codeSystemName } from "./code-systems.js";
import { fromHl7Time } from "./hl7-time.js";
import { attr, child, childrenNamed, elements, textOf, type XNode } from "./xml-reader.js";

/**
 * What a section parser needs besides its section: the narrative (codes often carry their text only as a reference
 * into it) and a place to say what could not be read, so the caller learns of it instead of losing it silently.
 */
export class ReadContext {
  readonly warnings: string[] = [];
  private readonly narrativeById = new Map<string, string>();

  /** Indexes every element with an ID under a section's `text`. */
  indexNarrative(text: XNode | undefined): void {
    const visit = (node: XNode) => {
      const id = node.attributes.ID;
      if (id) this.narrativeById.set(id, textOf(node));
      for (const item of elements(node)) visit(item);
    };
    if (text) visit(text);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** The narrative text an `originalText`/`text` element stands for: its reference's target, or its own text. */
  resolveText(node: XNode | undefined): string | undefined {
    if (!node) return undefined;
    const reference = attr(child(node, "reference"), "value");
    if (reference?.startsWith("#")) {
      const target = this.narrativeById.get(reference.slice(1));
      if (target) return target;
    }
    const own = node.children
      .filter((item) => typeof item === "string")
      .join("")
      .trim();
    return own || undefined;
  }

  /** A Redox code from a CD/CE element; the display name falls back to the referenced narrative text. */
  code(node: XNode | undefined): Code | undefined {
    if (!node) return undefined;
    const code = attr(node, "code");
    const system = attr(node, "codeSystem");
    const name = attr(node, "displayName") ?? this.resolveText(child(node, "originalText"));
    const translations = childrenNamed(node, "translation")
      .map((translation) => this.code(translation))
      .filter((item): item is Code => !!item?.Code);
    if (!code && !name && !translations.length) return undefined;
    const result: Code = {
      Code: code ?? null,
      CodeSystem: system ?? null,
      CodeSystemName: attr(node, "codeSystemName") ?? codeSystemName(system) ?? null,
      Name: name ?? null,
    };
    if (translations.length) result.AltCodes = translations;
    return result;
  }
}

/** An HL7 TS element (`value`, or an interval's `low`/`center`) as a Redox date. */
export function readTime(node: XNode | undefined): string | undefined {
  if (!node) return undefined;
  return (
    fromHl7Time(attr(node, "value")) ??
    fromHl7Time(attr(child(node, "low"), "value")) ??
    fromHl7Time(attr(child(node, "center"), "value"))
  );
}

export function readInterval(node: XNode | undefined): { low?: string; high?: string } {
  if (!node) return {};
  const value = fromHl7Time(attr(node, "value"));
  if (value) return { low: value };
  return {
    low: fromHl7Time(attr(child(node, "low"), "value")) ?? fromHl7Time(attr(child(node, "center"), "value")),
    high: fromHl7Time(attr(child(node, "high"), "value")),
  };
}

/** The first entry-level act of an `entry`/`component`/`entryRelationship`, whatever its class. */
export function clinicalStatement(node: XNode | undefined): XNode | undefined {
  return elements(node).find((item) =>
    ["act", "observation", "substanceAdministration", "procedure", "encounter", "organizer", "supply"].includes(
      item.name,
    ),
  );
}

export function isNegated(node: XNode | undefined): boolean {
  return attr(node, "negationInd") === "true";
}

/** Drops undefined/null fields so parsed payloads carry only what the document said. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null || (Array.isArray(item) && item.length === 0)) delete value[key];
  }
  return value;
}
