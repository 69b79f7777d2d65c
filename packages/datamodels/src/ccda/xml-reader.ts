import { XMLParser, XMLValidator } from "fast-xml-parser";

/**
 * Hardened XML reading for documents that arrive from strangers over Direct. Before the parser sees a byte:
 * - a size limit (a CDA is kilobytes to a few megabytes; 50 MB of anything is an attack or a mistake),
 * - no DTD at all, so neither entity expansion ("billion laughs") nor external entities (XXE) can happen,
 * - a depth limit checked by a linear scan, so deep nesting cannot exhaust the parser's stack.
 * Only the five predefined entities and character references are decoded, by this module.
 */

export interface XmlReadLimits {
  /** Bytes (UTF-16 code units); default 20 MB. */
  maxSize?: number;
  /** Element nesting; default 256 (real C-CDA rarely passes 40). */
  maxDepth?: number;
}

export class XmlSecurityError extends Error {
  override readonly name = "XmlSecurityError";
}

export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
}

/** An element with its namespace resolved: CDA's own elements by local name, SDTC's as `sdtc:name`. */
export interface XNode {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XNode | string)[];
}

export const namespaces = {
  cda: "urn:hl7-org:v3",
  sdtc: "urn:hl7-org:sdtc",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
} as const;

const defaultLimits = { maxSize: 20 * 1024 * 1024, maxDepth: 256 };

/** Linear pre-scan: refuses DTDs and measures nesting without building anything. */
function prescan(xml: string, maxDepth: number): void {
  let depth = 0;
  let index = 0;
  const length = xml.length;
  while (index < length) {
    const open = xml.indexOf("<", index);
    if (open < 0) break;
    const next = xml.charCodeAt(open + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith("<!--", open)) {
        const end = xml.indexOf("-->", open + 4);
        if (end < 0) throw new XmlSyntaxError("unterminated comment");
        index = end + 3;
        continue;
      }
      if (xml.startsWith("<![CDATA[", open)) {
        const end = xml.indexOf("]]>", open + 9);
        if (end < 0) throw new XmlSyntaxError("unterminated CDATA section");
        index = end + 3;
        continue;
      }
      throw new XmlSecurityError(
        "the document has a DTD or entity declaration (<!DOCTYPE / <!ENTITY); these are refused",
      );
    }
    if (next === 0x3f /* ? */) {
      const end = xml.indexOf("?>", open + 2);
      if (end < 0) throw new XmlSyntaxError("unterminated processing instruction");
      index = end + 2;
      continue;
    }
    // Find the tag's end, skipping quoted attribute values (which may contain '>').
    let cursor = open + 1;
    let quote = 0;
    for (; cursor < length; cursor++) {
      const code = xml.charCodeAt(cursor);
      if (quote) {
        if (code === quote) quote = 0;
      } else if (code === 0x22 || code === 0x27) quote = code;
      else if (code === 0x3e) break;
    }
    if (cursor >= length) throw new XmlSyntaxError("unterminated tag");
    if (next === 0x2f /* / */) depth--;
    else if (xml.charCodeAt(cursor - 1) !== 0x2f) {
      depth++;
      if (depth > maxDepth) throw new XmlSecurityError(`the document nests elements deeper than ${maxDepth} levels`);
    }
    index = cursor + 1;
  }
}

const predefined: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

export function decodeEntities(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);/g, (whole, body: string) => {
    if (body.startsWith("#x")) return safeCodePoint(parseInt(body.slice(2), 16), whole);
    if (body.startsWith("#")) return safeCodePoint(parseInt(body.slice(1), 10), whole);
    return predefined[body] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: false,
});

type RawNode = Record<string, unknown>;

function resolve(raw: RawNode[], scope: Readonly<Record<string, string>>): (XNode | string)[] {
  const out: (XNode | string)[] = [];
  for (const item of raw) {
    if ("#text" in item) {
      out.push(decodeEntities(String(item["#text"])));
      continue;
    }
    const qname = Object.keys(item).find((key) => key !== ":@");
    if (!qname) continue;
    const rawAttributes = (item[":@"] ?? {}) as Record<string, string>;
    let inner = scope;
    for (const [key, value] of Object.entries(rawAttributes)) {
      if (key === "xmlns" || key.startsWith("xmlns:")) {
        if (inner === scope) inner = { ...scope };
        (inner as Record<string, string>)[key === "xmlns" ? "" : key.slice(6)] = value;
      }
    }
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(rawAttributes)) {
      if (key === "xmlns" || key.startsWith("xmlns:")) continue;
      const colon = key.indexOf(":");
      const name =
        colon < 0
          ? key
          : inner[key.slice(0, colon)] === namespaces.xsi
            ? `xsi:${key.slice(colon + 1)}`
            : inner[key.slice(0, colon)] === namespaces.sdtc
              ? `sdtc:${key.slice(colon + 1)}`
              : key;
      attributes[name] = decodeEntities(value);
    }
    out.push({ name: qualify(qname, inner), attributes, children: resolve(item[qname] as RawNode[], inner) });
  }
  return out;
}

function qualify(qname: string, scope: Readonly<Record<string, string>>): string {
  const colon = qname.indexOf(":");
  const prefix = colon < 0 ? "" : qname.slice(0, colon);
  const local = colon < 0 ? qname : qname.slice(colon + 1);
  const namespace = scope[prefix];
  if (namespace === namespaces.cda || (namespace === undefined && !prefix)) return local;
  if (namespace === namespaces.sdtc) return `sdtc:${local}`;
  return `{${namespace ?? prefix}}${local}`;
}

/** Parses XML into namespace-resolved nodes, after the security checks. Returns the root element. */
export function readXml(xml: string, limits: XmlReadLimits = {}): XNode {
  const { maxSize, maxDepth } = { ...defaultLimits, ...limits };
  if (xml.length > maxSize) {
    throw new XmlSecurityError(`the document is ${xml.length} bytes; the limit is ${maxSize}`);
  }
  prescan(xml, maxDepth);
  // The parser itself is lenient (it closes what was left open); a document from a stranger must be well-formed.
  const validity = XMLValidator.validate(xml);
  if (validity !== true) {
    throw new XmlSyntaxError(`not well-formed XML: ${validity.err.msg} (line ${validity.err.line})`);
  }
  let raw: RawNode[];
  try {
    raw = parser.parse(xml) as RawNode[];
  } catch (error) {
    throw new XmlSyntaxError(`not well-formed XML: ${(error as Error).message}`);
  }
  const root = resolve(raw, {}).find((node): node is XNode => typeof node !== "string");
  if (!root) throw new XmlSyntaxError("the document has no root element");
  return root;
}

// Navigation helpers: CDA is read by walking known paths, never by searching the whole tree.

export function elements(node: XNode | undefined): XNode[] {
  return node ? (node.children.filter((child) => typeof child !== "string") as XNode[]) : [];
}

export function child(node: XNode | undefined, name: string): XNode | undefined {
  return elements(node).find((element) => element.name === name);
}

export function childrenNamed(node: XNode | undefined, name: string): XNode[] {
  return elements(node).filter((element) => element.name === name);
}

/** Follows a path of child names, taking the first match at each step. */
export function path(node: XNode | undefined, ...names: string[]): XNode | undefined {
  let current = node;
  for (const name of names) current = child(current, name);
  return current;
}

export function attr(node: XNode | undefined, name: string): string | undefined {
  const value = node?.attributes[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The text of a node and its descendants, with runs of white space collapsed. */
export function textOf(node: XNode | string | undefined): string {
  if (node === undefined) return "";
  if (typeof node === "string") return node;
  return node.children
    .map((item) => (typeof item === "string" ? item : item.name === "br" ? "\n" : textOf(item)))
    .join("")
    .replace(/[ \t\r\f\v]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
}

export function hasTemplate(node: XNode | undefined, root: string): boolean {
  return childrenNamed(node, "templateId").some((template) => attr(template, "root") === root);
}
