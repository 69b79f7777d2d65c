import sanitizeHtml from "sanitize-html";
import { SafeHtml } from "./html.js";

/** CDA narrative `styleCode` values (CDA R2 §4.3.5.11) shown as classes; every other value is dropped. */
const styleClasses: Record<string, string> = { bold: "b", italics: "i", underline: "u", emphasis: "i" };

function classesOf(styleCode: string | undefined): Record<string, string> {
  const classes = (styleCode ?? "")
    .split(/\s+/)
    .map((code) => styleClasses[code.toLowerCase()])
    .filter((value): value is string => !!value);
  return classes.length ? { class: [...new Set(classes)].join(" ") } : {};
}

/**
 * A CDA narrative block (`section/text`, or a sender's `...Text` markup) as HTML a person can read, through an
 * allow-list: paragraphs, lists, tables, line breaks and bold/italic/underline. Everything else goes: scripts and
 * styles with their content, every attribute but a cell's span, every link, image and embedded object, so nothing in
 * a document can run or load anything. The stock CDA stylesheet turned `linkHtml` and `renderMultiMedia` into live
 * links and images; here they become plain text or nothing.
 */
export function narrativeToHtml(markup: string): SafeHtml {
  const clean = sanitizeHtml(markup, {
    allowedTags: [
      "p",
      "br",
      "ul",
      "ol",
      "li",
      "table",
      "caption",
      "thead",
      "tbody",
      "tfoot",
      "tr",
      "th",
      "td",
      "span",
      "sub",
      "sup",
      "small",
    ],
    allowedAttributes: { td: ["colspan", "rowspan"], th: ["colspan", "rowspan"], span: ["class"], p: ["class"] },
    allowedClasses: { span: ["b", "i", "u"], p: ["b", "i", "u"] },
    allowedSchemes: [],
    allowedSchemesAppliedToAttributes: [],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags: [
      "script",
      "style",
      "textarea",
      "option",
      "noscript",
      "title",
      "head",
      "iframe",
      "object",
      "embed",
      "svg",
      "math",
      "template",
      "rendermultimedia",
      "xmp",
      "noembed",
      "noframes",
      "plaintext",
    ],
    transformTags: {
      paragraph: (_tag, attribs) => ({ tagName: "p", attribs: classesOf(attribs.stylecode) }),
      content: (_tag, attribs) => ({ tagName: "span", attribs: classesOf(attribs.stylecode) }),
      list: (_tag, attribs) => ({ tagName: attribs.listtype === "ordered" ? "ol" : "ul", attribs: {} }),
      item: "li",
      linkhtml: "span",
      footnote: "small",
      footnoteref: "small",
      td: (_tag, attribs) => ({ tagName: "td", attribs: spans(attribs) }),
      th: (_tag, attribs) => ({ tagName: "th", attribs: spans(attribs) }),
    },
    parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  });
  return new SafeHtml(clean);
}

function spans(attribs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["colspan", "rowspan"]) {
    const value = attribs[name];
    if (value && /^[1-9][0-9]{0,2}$/.test(value)) out[name] = value;
  }
  return out;
}
