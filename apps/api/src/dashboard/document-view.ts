import { mediaFileType, renderClinicalSummaryCda, type ClinicalSummaryPatientPush } from "@conduit/datamodels";
import { DomUtils, parseDocument } from "htmlparser2";
import { html, type SafeHtml } from "./html.js";
import { narrativeToHtml } from "./narrative-html.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => !!value && typeof value === "object" && !Array.isArray(value);

/** A string at a path of an untyped payload, or undefined. */
function text(value: unknown, ...path: string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) at = isObject(at) ? at[key] : undefined;
  return typeof at === "string" || typeof at === "number" ? String(at) : undefined;
}

function personName(value: unknown): string | undefined {
  const name = [text(value, "FirstName"), text(value, "MiddleName"), text(value, "LastName")].filter(Boolean).join(" ");
  return name || undefined;
}

function patientOf(payload: Json): Json | undefined {
  const header = payload.Header;
  return isObject(header) && isObject(header.Patient)
    ? header.Patient
    : isObject(payload.Patient)
      ? payload.Patient
      : undefined;
}

/** The patient as a short definition list: name, birth date, sex, identifiers. */
export function patientSummary(payload: Json): SafeHtml {
  const patient = patientOf(payload);
  const demographics = patient?.Demographics;
  const identifiers = Array.isArray(patient?.Identifiers) ? (patient.Identifiers as unknown[]) : [];
  return html`<dl class="patient">
    <dt>Patient</dt>
    <dd class="patient-name">${personName(demographics) ?? "(no name)"}</dd>
    <dt>Born</dt>
    <dd>${text(demographics, "DOB") ?? "–"}</dd>
    <dt>Sex</dt>
    <dd>${text(demographics, "Sex") ?? "–"}</dd>
    <dt>Identifiers</dt>
    <dd>
      ${
        identifiers
          .map((id) => [text(id, "ID"), text(id, "IDType")].filter(Boolean).join(" "))
          .filter(Boolean)
          .join(", ") || "–"
      }
    </dd>
  </dl>`;
}

interface Section {
  title: string;
  narrative: SafeHtml;
}

/** Each section of the C-CDA Conduit renders from the payload: its title and its narrative block, sanitised. */
function sectionsFromCda(cda: string): Section[] {
  const document = parseDocument(cda, { xmlMode: true });
  const sections = DomUtils.findAll((node) => node.name === "section", document.children);
  return sections.map((section) => {
    const title = section.children.find((node) => DomUtils.isTag(node) && node.name === "title");
    const narrative = section.children.find((node) => DomUtils.isTag(node) && node.name === "text");
    return {
      title: title ? DomUtils.textContent(title).trim() : "Section",
      narrative: narrativeToHtml(narrative ? DomUtils.getInnerHTML(narrative, { xmlMode: true }) : ""),
    };
  });
}

/** When the payload cannot be rendered as a C-CDA: the sender's own `...Text` narratives, sanitised the same way. */
function sectionsFromTextFields(payload: Json): Section[] {
  const out: Section[] = [];
  for (const [key, value] of Object.entries(payload)) {
    if (key.endsWith("Text") && typeof value === "string")
      out.push({ title: key.replace(/Text$/, ""), narrative: narrativeToHtml(value) });
  }
  for (const note of Array.isArray(payload.NoteSections) ? (payload.NoteSections as unknown[]) : []) {
    const value = text(note, "Text");
    if (value)
      out.push({ title: text(note, "Title") ?? text(note, "Name") ?? "Note", narrative: narrativeToHtml(value) });
  }
  return out;
}

const documentStyle = `
body{font:15px/1.45 system-ui,sans-serif;color:#1d232a;margin:0;padding:16px 20px;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px;padding-bottom:3px;border-bottom:1px solid #d5dbe1}
dl.patient,dl.doc{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dt{color:#5b6670}dd{margin:0}
table{border-collapse:collapse;margin:6px 0;font-size:14px}th,td{border:1px solid #cfd6dd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f1f4f7}.b{font-weight:600}.i{font-style:italic}.u{text-decoration:underline}
.empty{color:#5b6670}`;

/**
 * A ClinicalSummary as a page a person can read: the header (document, author, patient) and every section's
 * narrative. Built from the C-CDA Conduit renders for the payload (the same document the recipient gets), through
 * the narrative allow-list; every header value is escaped. Served with `documentCsp` inside a sandboxed frame.
 */
export function clinicalSummaryPage(payload: Json, options: { messageId: string; custodianName: string }): SafeHtml {
  let sections: Section[];
  try {
    const cda = renderClinicalSummaryCda(payload as unknown as ClinicalSummaryPatientPush, {
      fallbackDocumentId: options.messageId,
      custodianName: options.custodianName,
      pretty: false,
    });
    sections = sectionsFromCda(cda);
  } catch {
    sections = sectionsFromTextFields(payload);
  }
  const header = isObject(payload.Header) ? payload.Header : {};
  const document = isObject(header.Document) ? header.Document : {};
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta
          http-equiv="Content-Security-Policy"
          content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        />
        <title>Clinical document</title>
        <style>
          ${documentStyle}
        </style>
      </head>
      <body>
        <h1>${text(document, "Title") ?? "Clinical summary"}</h1>
        <dl class="doc">
          <dt>Date</dt>
          <dd>${text(document, "DateTime") ?? "–"}</dd>
          <dt>Author</dt>
          <dd>${personName(document.Author) ?? "–"}</dd>
          <dt>From</dt>
          <dd>${text(header, "DirectAddressFrom") ?? "–"}</dd>
          <dt>To</dt>
          <dd>${text(header, "DirectAddressTo") ?? "–"}</dd>
        </dl>
        ${patientSummary(payload)}
        ${
          sections.length
            ? sections.map(
                (section) =>
                  html`<section>
                    <h2>${section.title}</h2>
                    ${section.narrative}
                  </section>`,
              )
            : html`<p class="empty">The document has no sections.</p>`
        }
      </body>
    </html>`;
}

export interface MediaFile {
  fileName: string;
  fileType: string;
  mime: string;
  bytes: Buffer;
}

/** The attached file of a Media payload, decoded; undefined when the payload has none. */
export function mediaFileOf(payload: Json): MediaFile | undefined {
  const media = payload.Media;
  const contents = text(media, "FileContents");
  const fileType = text(media, "FileType");
  if (!contents || !fileType) return undefined;
  return {
    fileName: text(media, "FileName") ?? "file",
    fileType,
    mime: mediaFileType(fileType)?.mime ?? "application/octet-stream",
    bytes: Buffer.from(contents, "base64"),
  };
}

/** Images a browser shows by itself (no TIFF, no SVG: SVG is a document that can carry script). */
export const previewImageTypes = new Set(["image/png", "image/jpeg", "image/gif", "image/bmp"]);
