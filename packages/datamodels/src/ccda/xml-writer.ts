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

export function escapeText(value: string): string {
  return value.replace(forbiddenCharacters, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeAttribute(value: string): string {
  return escapeText(value)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

function flatten(children: readonly XmlChild[], out: (XmlElement | string)[] = []): (XmlElement | string)[] {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === "") continue;
    if (Array.isArray(child)) flatten(child, out);
    else out.push(child as XmlElement | string);
  }
  return out;
}

function write(node: XmlElement, depth: number, out: string[], pretty: boolean): void {
  const pad = pretty ? "  ".repeat(depth) : "";
  let open = `${pad}<${node.name}`;
  for (const [key, value] of Object.entries(node.attributes)) {
    if (value === undefined || value === null) continue;
    open += ` ${key}="${escapeAttribute(String(value))}"`;
  }
  const children = flatten(node.children);
  if (children.length === 0) {
    out.push(`${open}/>`);
    return;
  }
  // Mixed content (narrative) is written inline: indentation inside it would change the text a reader sees.
  if (children.some((child) => typeof child === "string")) {
    out.push(`${open}>${children.map((child) => inline(child)).join("")}</${node.name}>`);
    return;
  }
  out.push(`${open}>`);
  for (const child of children) write(child as XmlElement, depth + 1, out, pretty);
  out.push(`${pad}</${node.name}>`);
}

function inline(node: XmlElement | string): string {
  if (typeof node === "string") return escapeText(node);
  const out: string[] = [];
  write(node, 0, out, false);
  return out.join("");
}

export function serializeXml(root: XmlElement, options: { pretty?: boolean } = {}): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, 0, out, options.pretty ?? true);
  return out.join(options.pretty === false ? "" : "\n") + "\n";
}
