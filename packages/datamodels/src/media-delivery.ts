import { isUploadReference, type MediaDelete, type MediaNew, type MediaReplace } from "./media.js";
import { mediaFileType } from "./media-types.js";

/** How Media events leave over Direct, which can deliver files and words but cannot change the receiver's records. */

export interface MediaAttachment {
  filename: string;
  contentType: string;
  /** The file, base64 as sent (Media.FileContents, white space removed). */
  contentBase64: string;
}

/** A file name a mail client and a file system will both accept, ending in the type's extension. */
export function safeFileName(name: string, extension: string): string {
  const base =
    name
      .replace(/[^A-Za-z0-9._ -]/g, "_")
      .replace(/^\.+/, "")
      .slice(0, 120) || "document";
  return base.toLowerCase().endsWith(`.${extension}`) ? base : `${base}.${extension}`;
}

/** The Media file as a Direct attachment: its own MIME type and name. */
export function mediaAttachment(payload: MediaNew | MediaReplace): MediaAttachment {
  const type = mediaFileType(payload.Media.FileType);
  if (!type) throw new Error(`Media.FileType ${payload.Media.FileType} has no known MIME type`);
  // An upload reference is a URL, not the file: whoever holds the network must fetch it first.
  if (isUploadReference(payload.Media.FileContents)) {
    throw new Error(
      "Media.FileContents is an upload reference; fetch the file and put its base64 in FileContents first",
    );
  }
  return {
    filename: safeFileName(payload.Media.FileName, type.extension),
    contentType: type.mime,
    contentBase64: payload.Media.FileContents.replace(/\s+/g, ""),
  };
}

export interface RetractionNotice {
  subject: string;
  text: string;
}

/**
 * A Media Delete as a notice to the receiver: Direct cannot delete anything in the receiver's system, so the
 * document is named and the receiver asked to retract it. The notice names the document, not the patient: subjects
 * end up in logs outside the encrypted body.
 */
export function retractionNotice(payload: MediaDelete): RetractionNotice {
  const media = payload.Media;
  const lines = [
    `The sender has deleted a document previously sent to you and asks that it be retracted (marked as entered in error or removed).`,
    ``,
    `Document ID: ${media.DocumentID}`,
    `Document type: ${media.DocumentType}`,
    `File name: ${media.FileName}`,
    media.CreationDateTime ? `Created: ${media.CreationDateTime}` : undefined,
    media.DocumentDescription ? `Description: ${media.DocumentDescription}` : undefined,
    ``,
    `Direct Secure Messaging cannot remove the document from your system; please act on this notice under your own procedures.`,
  ].filter((line) => line !== undefined);
  return { subject: `Retraction of document ${media.DocumentID}`.slice(0, 200), text: lines.join("\n") };
}
