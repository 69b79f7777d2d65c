import {
  mediaFileType,
  renderClinicalSummaryCda,
  type ClinicalSummaryPatientPush,
  type MediaNew,
} from "@conduit/datamodels";
import type { DirectAttachment } from "@conduit/direct-transport";

export interface RenderedMessage {
  subject: string;
  text: string;
  attachments: DirectAttachment[];
}

interface StoredMessage {
  id: string;
  dataModel: string;
  eventType: string;
  payload: unknown;
  createdAt: Date;
}

export class RenderError extends Error {}

function safeFileName(name: string, extension: string): string {
  const base =
    name
      .replace(/[^A-Za-z0-9._ -]/g, "_")
      .replace(/^\.+/, "")
      .slice(0, 120) || "document";
  return base.toLowerCase().endsWith(`.${extension}`) ? base : `${base}.${extension}`;
}

/**
 * Turns a stored message into what travels: ClinicalSummary becomes a C-CDA XML attachment, Media the decoded file
 * with its MIME type. The subject and text say what is attached without naming the patient (outer mail headers and
 * bodies end up in HISP logs more often than anyone would like).
 */
export function renderOutbound(message: StoredMessage, custodianName: string): RenderedMessage {
  if (message.dataModel === "Clinical Summary") {
    const payload = message.payload as ClinicalSummaryPatientPush;
    const xml = renderClinicalSummaryCda(payload, {
      fallbackDocumentId: message.id,
      custodianName,
      now: message.createdAt,
    });
    const title = payload.Header.Document?.Title ?? "Clinical summary";
    return {
      subject: `Clinical summary (C-CDA): ${title}`.slice(0, 200),
      text: "A clinical summary is attached as a C-CDA document (ccda.xml).",
      attachments: [{ filename: "ccda.xml", contentType: "application/xml", content: Buffer.from(xml, "utf8") }],
    };
  }
  if (message.dataModel === "Media") {
    const media = (message.payload as MediaNew).Media;
    const type = mediaFileType(media.FileType);
    if (!type) throw new RenderError(`Media.FileType ${media.FileType} has no known MIME type`);
    const filename = safeFileName(media.FileName, type.extension);
    return {
      subject: `Document: ${media.DocumentType}`.slice(0, 200),
      text: `A document (${media.DocumentType}) is attached as ${filename}.`,
      attachments: [{ filename, contentType: type.mime, content: Buffer.from(media.FileContents, "base64") }],
    };
  }
  throw new RenderError(`no renderer for ${message.dataModel} ${message.eventType}`);
}
