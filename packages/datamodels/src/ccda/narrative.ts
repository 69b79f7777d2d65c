import { el, type XmlChild, type XmlElement } from "./xml-writer.js";
import { readXml, type XNode } from "./xml-reader.js";

/**
 * Section narrative (CDA R2 `StrucDoc.Text`, NarrativeBlock.xsd). Two sources meet here: the tables Conduit
 * generates from coded entries (which the entries reference by `ID`), and the narrative a sender put in a Redox
 * `...Text` field (itself CDA narrative markup, sometimes HTML). The sender's markup is rebuilt element by element
 * against the narrative schema's content model, so whatever was sent, what goes out validates.
 */

/** IDs of generated tables start with this; a parser strips such tables when it reads the narrative back. */
export const generatedIdPrefix = "cdt-";

export interface NarrativeRow {
  id: string;
  cells: readonly (string | null | undefined)[];
  /** Per-cell IDs, for codes whose originalText references a single cell. */
  cellIds?: readonly (string | undefined)[];
}

export function generatedTable(caption: string, columns: readonly string[], rows: readonly NarrativeRow[]): XmlElement {
  return el(
    "table",
    { ID: `${rows[0]?.id ?? `${generatedIdPrefix}table`}-table`, border: "1", width: "100%" },
    el("caption", {}, caption),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        columns.map((column) => el("th", {}, column)),
      ),
    ),
    el(
      "tbody",
      {},
      rows.map((row) =>
        el(
          "tr",
          { ID: row.id },
          row.cells.map((cell, index) => el("td", { ID: row.cellIds?.[index] }, cell ?? "")),
        ),
      ),
    ),
  );
}

type Context = "text" | "td" | "item" | "paragraph" | "content" | "caption" | "linkHtml" | "table" | "row" | "list";

const inline = ["content", "linkHtml", "sub", "sup", "br", "footnote", "footnoteRef", "renderMultiMedia"];
const allowed: Record<Context, readonly string[]> = {
  text: [...inline, "paragraph", "list", "table"],
  td: [...inline, "paragraph", "list"],
  item: [...inline, "paragraph", "list", "table"],
  paragraph: inline,
  content: inline,
  caption: ["linkHtml", "sub", "sup", "footnote", "footnoteRef"],
  linkHtml: ["footnote", "footnoteRef"],
  table: [],
  row: [],
  list: [],
};

const renamed: Record<string, { name: string; attributes?: Record<string, string> }> = {
  p: { name: "paragraph" },
  div: { name: "paragraph" },
  ul: { name: "list" },
  ol: { name: "list", attributes: { listType: "ordered" } },
  li: { name: "item" },
  b: { name: "content", attributes: { styleCode: "Bold" } },
  strong: { name: "content", attributes: { styleCode: "Bold" } },
  i: { name: "content", attributes: { styleCode: "Italics" } },
  em: { name: "content", attributes: { styleCode: "Italics" } },
  u: { name: "content", attributes: { styleCode: "Underline" } },
  span: { name: "content" },
  a: { name: "linkHtml" },
};

const enumerations: Record<string, readonly string[]> = {
  align: ["left", "center", "right", "justify", "char"],
  valign: ["top", "middle", "bottom", "baseline"],
  listType: ["ordered", "unordered"],
  scope: ["row", "col", "rowgroup", "colgroup"],
  frame: ["void", "above", "below", "hsides", "lhs", "rhs", "vsides", "box", "border"],
  rules: ["none", "groups", "rows", "cols", "all"],
};

const elementAttributes: Record<string, readonly string[]> = {
  content: ["styleCode", "revised"],
  linkHtml: ["href", "name", "title"],
  list: ["styleCode", "listType"],
  table: ["styleCode", "summary", "width", "border", "frame", "rules", "cellspacing", "cellpadding"],
  td: ["styleCode", "abbr", "axis", "headers", "scope", "rowspan", "colspan", "align", "valign"],
  th: ["styleCode", "abbr", "axis", "headers", "scope", "rowspan", "colspan", "align", "valign"],
  tr: ["styleCode", "align", "valign"],
  thead: ["styleCode", "align", "valign"],
  tbody: ["styleCode", "align", "valign"],
  tfoot: ["styleCode", "align", "valign"],
  paragraph: ["styleCode"],
  item: ["styleCode"],
  caption: ["styleCode"],
  footnote: ["styleCode"],
};

const ncName = /^[A-Za-z_][A-Za-z0-9._-]*$/;

class Sanitizer {
  private readonly seen = new Set<string>();
  constructor(private readonly idPrefix: string) {}

  private attributesOf(name: string, node: XNode, extra: Record<string, string> = {}) {
    const out: Record<string, string> = { ...extra };
    for (const key of elementAttributes[name] ?? []) {
      const value = node.attributes[key];
      if (value === undefined) continue;
      if (enumerations[key] && !enumerations[key].includes(value)) continue;
      if ((key === "rowspan" || key === "colspan" || key === "border" || key === "cellspacing") && !/^\d+$/.test(value))
        continue;
      if (key === "styleCode" && !/^[A-Za-z0-9]+( [A-Za-z0-9]+)*$/.test(value)) continue;
      out[key] = value;
    }
    const id = node.attributes.ID;
    if (id) {
      // Sender IDs only have to be unique in the sender's document; two sections may reuse one (Redox's own sample
      // does), which XML's ID rules forbid. Each gets the section's prefix, and a repeat is dropped.
      const prefixed = `${this.idPrefix}${id}`;
      if (ncName.test(prefixed) && !this.seen.has(prefixed)) {
        this.seen.add(prefixed);
        out.ID = prefixed;
      }
    }
    return out;
  }

  children(nodes: readonly (XNode | string)[], context: Context): XmlChild[] {
    return nodes.flatMap((node) => this.node(node, context));
  }

  private node(node: XNode | string, context: Context): XmlChild[] {
    if (typeof node === "string") {
      // Tables, rows and lists hold elements only; stray text there (indentation) is dropped.
      return ["table", "row", "list"].includes(context) ? [] : [node.replace(/\s+/g, " ")];
    }
    const mapping = renamed[node.name.toLowerCase()];
    const name = mapping?.name ?? node.name;
    if (context === "table") return this.tablePart(node, name);
    if (context === "row") {
      if (name !== "td" && name !== "th") return this.children(node.children, "row");
      return [el(name, this.attributesOf(name, node), this.children(node.children, "td"))];
    }
    if (context === "list") {
      if (name === "caption") return [];
      if (name !== "item") return [el("item", {}, this.children([node], "item"))];
      return [el("item", this.attributesOf("item", node), this.children(node.children, "item"))];
    }
    if (!allowed[context].includes(name)) {
      // Not allowed here (or not narrative at all, like <html> or <font>): keep what it says, drop the element.
      if (name === "br" || name === "tr" || name === "li" || name === "item")
        return [...this.children(node.children, context), "\n"];
      return this.children(node.children, context);
    }
    switch (name) {
      case "br":
        return [el("br")];
      case "table":
        return [this.table(node)];
      case "list": {
        const caption = node.children.find((item) => typeof item !== "string" && item.name === "caption") as
          XNode | undefined;
        const items = this.children(node.children, "list");
        if (!items.length) return [];
        return [
          el(
            "list",
            this.attributesOf("list", node, mapping?.attributes),
            caption ? el("caption", {}, this.children(caption.children, "caption")) : undefined,
            items,
          ),
        ];
      }
      case "paragraph":
        return [el("paragraph", this.attributesOf("paragraph", node), this.children(node.children, "paragraph"))];
      case "linkHtml":
        return [el("linkHtml", this.attributesOf("linkHtml", node), this.children(node.children, "linkHtml"))];
      case "content":
        return [
          el(
            "content",
            this.attributesOf("content", node, mapping?.attributes),
            this.children(node.children, "content"),
          ),
        ];
      case "sub":
      case "sup":
        return [el(name, {}, node.children.filter((item) => typeof item === "string").join(""))];
      default:
        // footnote, footnoteRef, renderMultiMedia point at IDs we may have renamed: keep their text only.
        return this.children(node.children, context === "caption" ? "caption" : "content");
    }
  }

  private table(node: XNode): XmlElement {
    const parts = this.children(node.children, "table") as XmlElement[];
    const caption = parts.filter((part) => part.name === "caption");
    const head = parts.filter((part) => part.name === "thead");
    const foot = parts.filter((part) => part.name === "tfoot");
    let bodies = parts.filter((part) => part.name === "tbody");
    const looseRows = parts.filter((part) => part.name === "tr");
    if (looseRows.length) bodies = [...bodies, el("tbody", {}, looseRows)];
    if (!bodies.length) bodies = [el("tbody", {}, el("tr", {}, el("td")))];
    return el(
      "table",
      this.attributesOf("table", node),
      caption.slice(0, 1),
      head.slice(0, 1),
      foot.slice(0, 1),
      bodies,
    );
  }

  private tablePart(node: XNode, name: string): XmlChild[] {
    if (name === "caption") return [el("caption", {}, this.children(node.children, "caption"))];
    if (name === "thead" || name === "tbody" || name === "tfoot") {
      const rows = this.children(node.children, "table").filter((row) => (row as XmlElement).name === "tr");
      return rows.length ? [el(name, this.attributesOf(name, node), rows)] : [];
    }
    if (name === "tr") {
      const cells = this.children(node.children, "row");
      return cells.length ? [el("tr", this.attributesOf("tr", node), cells)] : [];
    }
    return this.children(node.children, "table");
  }
}

/**
 * A sender's narrative as CDA narrative content. Markup that cannot be read as XML becomes its plain text, so a
 * careless sender's table still reaches the reader as words.
 */
export function senderNarrative(text: string, idPrefix: string): XmlChild[] {
  let root: XNode;
  try {
    root = readXml(`<narrative>${text}</narrative>`, { maxDepth: 64 });
  } catch {
    const plain = text
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    return plain ? [el("paragraph", {}, plain)] : [];
  }
  return new Sanitizer(idPrefix).children(root.children, "text");
}

/** Narrative back to the markup string a Redox `...Text` field carries, without Conduit's generated tables. */
export function narrativeMarkup(text: XNode | undefined, idPrefix = ""): string | undefined {
  if (!text) return undefined;
  const out = text.children
    .map((item) => markup(item, idPrefix))
    .join("")
    .trim();
  return out || undefined;
}

function markup(node: XNode | string, idPrefix: string): string {
  // Indentation between elements is layout, not text.
  if (typeof node === "string") return /^\s*\n\s*$/.test(node) ? "" : escape(node);
  if (node.attributes.ID?.startsWith(generatedIdPrefix)) return "";
  const attributes = Object.entries(node.attributes)
    .map(([key, value]) => {
      const shown = key === "ID" && idPrefix && value.startsWith(idPrefix) ? value.slice(idPrefix.length) : value;
      return ` ${key}="${escape(shown).replace(/"/g, "&quot;")}"`;
    })
    .join("");
  const inner = node.children.map((item) => markup(item, idPrefix)).join("");
  return inner ? `<${node.name}${attributes}>${inner}</${node.name}>` : `<${node.name}${attributes}/>`;
}

function escape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
