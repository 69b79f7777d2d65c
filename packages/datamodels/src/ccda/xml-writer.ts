/**
 * A small XML writer for generated CDA. CDA's schema fixes the order of every child element, so documents are built
 * as explicit element trees (children in schema order) rather than from object keys; text and attribute values are
 * always escaped here, never by callers.
 */

export type AttributeValue = string | number | boolean | null | undefined;
export type XmlChild = XmlElement | string | null | undefined | false | readonly XmlChild[];

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly children: readonly XmlChild[];
}

export function el(name: string, attributes: Record<string, AttributeValue> = {}, ...children: XmlChild[]): XmlElement {
  return { name, attributes, children };
}

/** Whether an element would carry anything: attributes or non-empty children. */
export function hasContent(node: XmlChild): boolean {
  if (!node) return false;
  if (typeof node === "string") return node.length > 0;
  if (Array.isArray(node)) return node.some(hasContent);
  const element = node as XmlElement;
  return (
    Object.values(element.attributes).some((value) => value !== undefined && value !== null) ||
    element.children.some(hasContent)
  );
}

// XML 1.0 forbids most C0 control characters even as references; they are dropped rather than written.
// eslint-disable-next-line no-control-regex
const forbiddenCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// Most values need no escaping at all: one test first is much cheaper than four replacements.
// eslint-disable-next-line no-control-regex
const textSpecials = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const attributeSpecials = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeText(value: string): string {
  if (!textSpecials.test(value)) return value;
  return value.replace(forbiddenCharacters, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeAttribute(value: string): string {
  if (!attributeSpecials.test(value)) return value;
  return escapeText(value)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

const EMPTY = 0;
const ELEMENTS = 1;
const MIXED = 2;

/** What an element holds once empty values are dropped: nothing, only elements, or text (mixed content). */
function contentOf(children: readonly XmlChild[]): number {
  let kind = EMPTY;
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === "") continue;
    if (typeof child === "string") return MIXED;
    const inner = Array.isArray(child) ? contentOf(child as readonly XmlChild[]) : ELEMENTS;
    if (inner === MIXED) return MIXED;
    kind = Math.max(kind, inner);
  }
  return kind;
}

/** The document is built as one string: V8 joins appended strings cheaply, and nothing is copied twice. */
class XmlOutput {
  text = "";
  private readonly indents: string[] = [""];

  constructor(private readonly pretty: boolean) {}

  line(depth: number, content: string): void {
    if (!this.pretty) {
      this.text += content;
      return;
    }
    while (this.indents.length <= depth) this.indents.push(this.indents[this.indents.length - 1] + "  ");
    this.text += "\n" + this.indents[depth] + content;
  }
}

function openTag(node: XmlElement): string {
  let open = "<" + node.name;
  const attributes = node.attributes;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    open += " " + key + '="' + escapeAttribute(String(value)) + '"';
  }
  return open;
}

function write(node: XmlElement, depth: number, out: XmlOutput): void {
  const open = openTag(node);
  const content = contentOf(node.children);
  if (content === EMPTY) {
    out.line(depth, open + "/>");
    return;
  }
  // Mixed content (narrative) is written inline: indentation inside it would change the text a reader sees.
  if (content === MIXED) {
    out.line(depth, open + ">" + inlineChildren(node.children) + "</" + node.name + ">");
    return;
  }
  out.line(depth, open + ">");
  writeChildren(node.children, depth + 1, out);
  out.line(depth, "</" + node.name + ">");
}

function writeChildren(children: readonly XmlChild[], depth: number, out: XmlOutput): void {
  for (const child of children) {
    if (!child) continue;
    if (Array.isArray(child)) writeChildren(child as readonly XmlChild[], depth, out);
    else write(child as XmlElement, depth, out);
  }
}

function inlineChildren(children: readonly XmlChild[]): string {
  let text = "";
  for (const child of children) {
    if (!child) continue;
    if (typeof child === "string") text += escapeText(child);
    else if (Array.isArray(child)) text += inlineChildren(child as readonly XmlChild[]);
    else text += inlineElement(child as XmlElement);
  }
  return text;
}

function inlineElement(node: XmlElement): string {
  const open = openTag(node);
  if (contentOf(node.children) === EMPTY) return open + "/>";
  return open + ">" + inlineChildren(node.children) + "</" + node.name + ">";
}

export function serializeXml(root: XmlElement, options: { pretty?: boolean } = {}): string {
  const out = new XmlOutput(options.pretty ?? true);
  out.text = '<?xml version="1.0" encoding="UTF-8"?>';
  write(root, 0, out);
  return out.text + "\n";
}
