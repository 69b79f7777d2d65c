import type { Address, Code, Identifier } from "../common.js";
import { codeSystemName, codeSystemOid } from "./code-systems.js";
import { toHl7Time } from "./hl7-time.js";
import { identifierRoot } from "./ids.js";
import { el, type XmlElement } from "./xml-writer.js";

/** CDA R2 data types built from Redox values. Absent values become `nullFlavor="UNK"` where CDA requires the element. */

type CodeLike = Partial<Code> | null | undefined;

const unknown = { nullFlavor: "UNK" } as const;

export function hasCode(code: CodeLike): code is Partial<Code> {
  return !!code && !!(code.Code || code.Name);
}

/**
 * CDA's `cs` type (codes, units, language tags): a token without white space (datatypes-base.xsd). A sender's
 * "mg per day" or "ABC 123" would make the whole document schema-invalid, so such values are caught here.
 */
export function isCs(value: string | null | undefined): value is string {
  return !!value && /^[^\s]+$/.test(value);
}

/** A unit as `cs`: UCUM units have no white space; a sender's free text is closed up rather than refused. */
export function csUnit(unit: string | null | undefined): string | undefined {
  const trimmed = unit?.trim();
  return trimmed ? trimmed.replace(/\s+/g, "") : undefined;
}

function codeAttributes(code: Partial<Code>) {
  const oid = codeSystemOid(code.CodeSystem, code.CodeSystemName);
  if (!code.Code) return { nullFlavor: "UNK" };
  // A code with white space is not a CDA code: "other", with the sender's words kept as the display name.
  if (!isCs(code.Code.trim())) return { nullFlavor: "OTH", codeSystem: oid, displayName: code.Name ?? code.Code };
  // A code whose system cannot be named as an OID keeps its code and the sender's system name, so nothing is lost;
  // CDA consumers treat it as uncoded.
  return {
    code: code.Code.trim(),
    codeSystem: oid,
    codeSystemName: code.CodeSystemName ?? codeSystemName(oid) ?? (oid ? undefined : (code.CodeSystem ?? undefined)),
    displayName: code.Name ?? undefined,
  };
}

export interface CodedOptions {
  /** `CD`, `CE`, `CV`... when the element is declared as ANY (observation values) or as a supertype. */
  xsiType?: string;
  /** The narrative cell that holds this code's text, as `#id`. */
  reference?: string;
  /** Whether the AltCodes travel as translations (CV has none). */
  translations?: boolean;
  /** The sender's own words for the concept, when they differ from the code's display name. */
  originalText?: string | null;
}

/** A coded element. The first code is the primary one; AltCodes become translations. */
export function coded(name: string, code: CodeLike, options: CodedOptions = {}): XmlElement {
  const typeAttribute = options.xsiType ? { "xsi:type": options.xsiType } : {};
  if (!hasCode(code)) return el(name, { ...typeAttribute, ...unknown });
  const originalText = options.reference
    ? el("originalText", {}, el("reference", { value: options.reference }))
    : options.originalText
      ? el("originalText", {}, options.originalText)
      : !code.Code && code.Name
        ? el("originalText", {}, code.Name)
        : undefined;
  const translations =
    options.translations === false
      ? []
      : (code.AltCodes ?? []).filter((alt) => alt.Code).map((alt) => el("translation", codeAttributes(alt)));
  return el(name, { ...typeAttribute, ...codeAttributes(code) }, originalText, translations);
}

/** A fixed code from a known system (template-mandated codes such as `CONC` or `48765-2`). */
export function fixedCode(
  name: string,
  code: string,
  system: string,
  displayName?: string,
  extra: Record<string, string> = {},
): XmlElement {
  return el(name, { ...extra, code, codeSystem: system, codeSystemName: codeSystemName(system), displayName });
}

export function time(name: string, value: string | null | undefined, nullFlavor = "UNK"): XmlElement {
  const hl7 = toHl7Time(value);
  return hl7 ? el(name, { value: hl7 }) : el(name, { nullFlavor });
}

/** An interval; `low` is written even when unknown, since most C-CDA templates require it. */
export function interval(
  name: string,
  low: string | null | undefined,
  high: string | null | undefined,
  options: { xsiType?: string; highWhenAbsent?: boolean } = {},
): XmlElement {
  const highValue = toHl7Time(high);
  return el(
    name,
    options.xsiType ? { "xsi:type": options.xsiType } : {},
    time("low", low),
    highValue
      ? el("high", { value: highValue })
      : options.highWhenAbsent
        ? el("high", { nullFlavor: "UNK" })
        : undefined,
  );
}

const decimal = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function isDecimal(value: unknown): boolean {
  return (
    (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && decimal.test(value.trim()))
  );
}

/** A physical quantity; a unit that is not given is `1` (UCUM's unity), as PQ requires one. */
export function quantity(
  name: string,
  value: string | number | null | undefined,
  unit?: string | null,
  xsiType?: string,
) {
  const typeAttribute = xsiType ? { "xsi:type": xsiType } : {};
  if (!isDecimal(value)) return el(name, { ...typeAttribute, ...unknown });
  return el(name, { ...typeAttribute, value: String(value).trim(), unit: csUnit(unit) });
}

export function identifier(id: Partial<Identifier> | null | undefined): XmlElement {
  if (!id?.ID) return el("id", unknown);
  return el("id", {
    root: identifierRoot(id.IDType),
    extension: id.ID,
    assigningAuthorityName: id.IDType ?? undefined,
  });
}

export function address(value: Partial<Address> | null | undefined, use?: string): XmlElement {
  if (!value || !Object.values(value).some((part) => typeof part === "string" && part)) return el("addr", unknown);
  const lines = (value.StreetAddress ?? "").split(/\r?\n/).filter(Boolean);
  return el(
    "addr",
    { use },
    lines.map((line) => el("streetAddressLine", {}, line)),
    value.City ? el("city", {}, value.City) : undefined,
    value.State ? el("state", {}, value.State) : undefined,
    value.ZIP ? el("postalCode", {}, value.ZIP) : undefined,
    value.County ? el("county", {}, value.County) : undefined,
    value.Country ? el("country", {}, value.Country) : undefined,
  );
}

/** HL7 TelecommunicationAddressUse codes, and the words Redox senders use for them. */
const telecomUses: Record<string, string> = {
  home: "HP",
  work: "WP",
  office: "WP",
  mobile: "MC",
  cell: "MC",
  pager: "PG",
  emergency: "EC",
  temporary: "TMP",
};
const telecomUseCodes = new Set(["H", "HP", "HV", "WP", "DIR", "PUB", "BAD", "TMP", "AS", "EC", "MC", "PG"]);

/** A `use` the schema accepts (it is a code set), or none: a sender's free text must not make the document invalid. */
export function telecomUse(use: string | null | undefined): string | undefined {
  if (!use) return undefined;
  const trimmed = use.trim();
  if (trimmed.split(/\s+/).every((part) => telecomUseCodes.has(part))) return trimmed;
  return telecomUses[trimmed.toLowerCase()];
}

/** Telecom URLs (RFC 3966 `tel:`, RFC 6068 `mailto:`), as CDA's TEL type requires. */
export function phone(value: string | null | undefined, use?: string | null): XmlElement | undefined {
  return value ? el("telecom", { use: telecomUse(use), value: `tel:${value.replace(/\s+/g, "")}` }) : undefined;
}

export function email(value: string | null | undefined, use?: string | null): XmlElement | undefined {
  return value ? el("telecom", { use: telecomUse(use), value: `mailto:${value.trim()}` }) : undefined;
}

export function personName(
  parts: {
    FirstName?: string | null;
    MiddleName?: string | null;
    LastName?: string | null;
    Credentials?: readonly string[] | string | null;
  },
  use?: string,
): XmlElement {
  const given = [parts.FirstName, parts.MiddleName].filter((part): part is string => !!part);
  const credentials = typeof parts.Credentials === "string" ? [parts.Credentials] : (parts.Credentials ?? []);
  if (!given.length && !parts.LastName) return el("name", unknown);
  return el(
    "name",
    { use },
    given.map((part) => el("given", {}, part)),
    parts.LastName ? el("family", {}, parts.LastName) : undefined,
    credentials.filter(Boolean).map((credential) => el("suffix", { qualifier: "AC" }, credential)),
  );
}

export function templateIds(...templates: readonly { root: string; extension?: string }[]): XmlElement[] {
  return templates.map((template) => el("templateId", { root: template.root, extension: template.extension }));
}
