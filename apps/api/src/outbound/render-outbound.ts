import {
  mediaAttachment,
  renderClinicalSummaryCda,
  renderUnstructuredDocument,
  retractionNotice,
  type ClinicalSummaryPatientPush,
  type DocumentVersion,
  type MediaDelete,
  type MediaNew,
  type MediaReplace,
} from "@conduit/datamodels";
import type { DirectAttachment } from "@conduit/direct-transport";

export interface RenderedMessage {
  subject: string;
  text: string;
  attachments: DirectAttachment[];
}

export interface StoredMessage {
  id: string;
  dataModel: string;
  eventType: string;
  payload: unknown;
  createdAt: Date;
  directTo: string[];
}

export interface RenderOptions {
  custodianName: string;
  /** The version of the document this message carries (ClinicalSummary), when it is not the first. */
  version?: DocumentVersion;
  /** Also send a Media file wrapped in a C-CDA Unstructured Document (a destination setting). */
  wrapMediaInCda?: boolean;
}

export class RenderError extends Error {}

/**
 * Turns a stored message into what travels. ClinicalSummary (PatientPush, VisitPush) becomes a C-CDA document, in its
 * version when the same document was sent before. Media New becomes the file with its MIME type (and, when the
 * destination asks, an Unstructured Document wrapping it); Media Replace the new file plus an Unstructured Document
 * that replaces (RPLC) the original; Media Delete a retraction notice, since Direct cannot delete anything in the
 * receiver's system. Subjects and texts name no patient: outer mail parts end up in HISP logs more often than anyone
 * would like.
 */
export function renderOutbound(message: StoredMessage, options: RenderOptions): RenderedMessage {
  const event = `${message.dataModel}/${message.eventType}`;
  switch (event) {
    case "Clinical Summary/PatientPush":
    case "Clinical Summary/VisitPush": {
      const payload = message.payload as ClinicalSummaryPatientPush;
      const xml = renderClinicalSummaryCda(payload, {
        fallbackDocumentId: message.id,
        custodianName: options.custodianName,
        now: message.createdAt,
        version: options.version,
      });
      const title = payload.Header.Document?.Title ?? "Clinical summary";
      const versionNote =
        options.version && options.version.versionNumber > 1 ? ` (version ${options.version.versionNumber})` : "";
      return {
        subject: `Clinical summary (C-CDA): ${title}${versionNote}`.slice(0, 200),
        text: `A clinical summary is attached as a C-CDA document (ccda.xml)${versionNote}.`,
        attachments: [{ filename: "ccda.xml", contentType: "application/xml", content: Buffer.from(xml, "utf8") }],
      };
    }
    case "Media/New":
    case "Media/Replace": {
      const payload = message.payload as MediaNew | MediaReplace;
      const file = mediaAttachment(payload);
      const attachments: DirectAttachment[] = [
        { filename: file.filename, contentType: file.contentType, content: Buffer.from(file.contentBase64, "base64") },
      ];
      const replacing =
        message.eventType === "Replace" ? (payload as MediaReplace).Media.OriginalDocumentID : undefined;
      if (replacing || options.wrapMediaInCda) {
        const xml = renderUnstructuredDocument(payload, {
          custodianName: options.custodianName,
          now: message.createdAt,
          embed: false,
          ...(replacing ? { version: { setId: replacing, versionNumber: 2, parentDocumentId: replacing } } : {}),
        });
        attachments.push({
          filename: "document.xml",
          contentType: "application/xml",
          content: Buffer.from(xml, "utf8"),
        });
      }
      const documentType = payload.Media.DocumentType;
      return {
        subject: (replacing ? `Replacement document: ${documentType}` : `Document: ${documentType}`).slice(0, 200),
        text: replacing
          ? `A corrected document (${documentType}) is attached as ${file.filename}; it replaces document ${replacing}.`
          : `A document (${documentType}) is attached as ${file.filename}.`,
        attachments,
      };
    }
    case "Media/Delete": {
      const notice = retractionNotice(message.payload as MediaDelete);
      return { subject: notice.subject.slice(0, 200), text: notice.text, attachments: [] };
    }
    default:
      throw new RenderError(`no renderer for ${event}`);
  }
}
