import type { Attachment, ParsedMail } from "mailparser";

/** One data model made from an inbound message, before it is stored. */
export interface ExtractedItem {
  dataModel: "Clinical Summary" | "Media";
  eventType: "PatientPush" | "New";
  payload: Record<string, unknown>;
  warnings: string[];
}

export interface InboundContext {
  /** Conduit's id for the inbound message (`Meta.Message.ID`). */
  messageId: string;
  sender: string;
  recipients: string[];
  receivedAt: Date;
}

/** The pieces extraction needs from the rest of the system: C-CDA parsing and XDM reading. */
export interface ExtractionTools {
  /** C-CDA XML to a ClinicalSummary PatientPush payload (Meta excluded); throws when it is not a usable CDA. */
  parseCcda(xml: string): { payload: Record<string, unknown>; warnings: string[] };
  /** An IHE XDM zip to its documents; throws a typed error for hostile or broken zips. */
  readXdm(zip: Buffer): Promise<{ documents: XdmDocument[]; warnings: string[] }>;
}

export interface XdmDocument {
  name: string;
  mimeType: string;
  content: Buffer;
  metadata?: Record<string, unknown>;
}

export class ExtractionError extends Error {}

const cdaRoot = /<(?:[A-Za-z_][\w.-]*:)?ClinicalDocument[\s>]/;

export function looksLikeCda(content: Buffer, contentType: string, filename = ""): boolean {
  const xmlish = /xml/i.test(contentType) || /\.xml$/i.test(filename) || contentType === "application/octet-stream";
  return xmlish && cdaRoot.test(content.subarray(0, 8192).toString("utf8"));
}

function isZip(content: Buffer, contentType: string, filename = ""): boolean {
  return (
    /zip/i.test(contentType) ||
    /\.zip$/i.test(filename) ||
    content.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))
  );
}

/** Redox's FileType for a MIME type, as the outbound side maps it back. */
function fileTypeOf(mimeType: string, filename: string): string {
  const byMime: Record<string, string> = {
    "application/pdf": "PDF",
    "text/plain": "TXT",
    "text/html": "HTML",
    "application/rtf": "RTF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIF",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/xml": "XML",
    "text/xml": "XML",
    "application/dicom": "DCM",
  };
  return byMime[mimeType.toLowerCase()] ?? (filename.split(".").pop() ?? "BIN").toUpperCase().slice(0, 10);
}

function meta(dataModel: string, eventType: string, context: InboundContext) {
  return {
    DataModel: dataModel,
    EventType: eventType,
    EventDateTime: context.receivedAt.toISOString(),
    Test: false,
    Source: { ID: context.sender, Name: context.sender },
    Message: { ID: context.messageId },
    Transmission: { ID: context.messageId },
  };
}

function clinicalSummary(
  xml: string,
  context: InboundContext,
  tools: ExtractionTools,
  metadata?: Record<string, unknown>,
): ExtractedItem {
  const { payload, warnings } = tools.parseCcda(xml);
  const header = {
    ...(payload.Header as Record<string, unknown>),
    DirectAddressFrom: context.sender,
    DirectAddressTo: context.recipients[0] ?? null,
  };
  return {
    dataModel: "Clinical Summary",
    eventType: "PatientPush",
    payload: {
      Meta: meta("Clinical Summary", "PatientPush", context),
      ...payload,
      Header: header,
      ...(metadata ? { XdmMetadata: metadata } : {}),
    },
    warnings,
  };
}

function media(
  content: Buffer,
  mimeType: string,
  filename: string,
  context: InboundContext,
  metadata?: Record<string, unknown>,
): ExtractedItem {
  return {
    dataModel: "Media",
    eventType: "New",
    payload: {
      Meta: meta("Media", "New", context),
      Patient: { Identifiers: [], Demographics: {} },
      Media: {
        FileType: fileTypeOf(mimeType, filename),
        FileName: filename,
        FileContents: content.toString("base64"),
        DocumentType: (metadata?.typeCode as string | undefined) ?? mimeType,
        DocumentID: (metadata?.uniqueId as string | undefined) ?? `${context.messageId}/${filename}`,
        DocumentDescription: (metadata?.title as string | undefined) ?? null,
        CreationDateTime: (metadata?.creationTime as string | undefined) ?? context.receivedAt.toISOString(),
        DirectAddressFrom: context.sender,
        DirectAddressTo: context.recipients[0] ?? null,
        Provider: { ID: context.sender, IDType: "DirectAddress" },
        ...(metadata ? { XdmMetadata: metadata } : {}),
      },
    },
    warnings: [],
  };
}

/**
 * Turns an opened Direct message into data models: each C-CDA (plain, or inside an XDM zip) becomes a ClinicalSummary
 * PatientPush, every other attachment a Media New, and a message with only a text body a Media New of that text.
 */
export async function extractItems(
  mail: ParsedMail,
  context: InboundContext,
  tools: ExtractionTools,
): Promise<ExtractedItem[]> {
  const items: ExtractedItem[] = [];
  const attachments: Attachment[] = mail.attachments.filter(
    (attachment) => attachment.contentDisposition !== "inline" || attachment.filename,
  );
  for (const [index, attachment] of attachments.entries()) {
    const filename = attachment.filename ?? `attachment-${index + 1}`;
    const contentType = attachment.contentType ?? "application/octet-stream";
    if (looksLikeCda(attachment.content, contentType, filename)) {
      items.push(clinicalSummary(attachment.content.toString("utf8"), context, tools));
    } else if (isZip(attachment.content, contentType, filename)) {
      const { documents, warnings } = await tools.readXdm(attachment.content);
      for (const document of documents) {
        if (looksLikeCda(document.content, document.mimeType, document.name)) {
          const item = clinicalSummary(document.content.toString("utf8"), context, tools, document.metadata);
          item.warnings.push(...warnings);
          items.push(item);
        } else if (!/\.(htm|html|txt|xsl)$/i.test(document.name) || document.metadata) {
          items.push(
            media(
              document.content,
              document.mimeType,
              document.name.split("/").pop() ?? document.name,
              context,
              document.metadata,
            ),
          );
        }
      }
    } else {
      items.push(media(attachment.content, contentType, filename, context));
    }
  }
  if (items.length === 0) {
    const text = mail.text?.trim();
    if (!text) throw new ExtractionError("the message has no attachment and no text");
    items.push(media(Buffer.from(text, "utf8"), "text/plain", "message.txt", context));
  }
  return items;
}
