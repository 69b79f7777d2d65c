/**
 * Redox's `Media.FileType` values and the MIME types they travel as. Keys are upper case; lookups are too.
 */
export const mediaFileTypes: Readonly<Record<string, { mime: string; extension: string }>> = {
  PDF: { mime: "application/pdf", extension: "pdf" },
  TXT: { mime: "text/plain", extension: "txt" },
  TEXT: { mime: "text/plain", extension: "txt" },
  RTF: { mime: "application/rtf", extension: "rtf" },
  HTML: { mime: "text/html", extension: "html" },
  XML: { mime: "application/xml", extension: "xml" },
  CDA: { mime: "application/xml", extension: "xml" },
  JPG: { mime: "image/jpeg", extension: "jpg" },
  JPEG: { mime: "image/jpeg", extension: "jpg" },
  PNG: { mime: "image/png", extension: "png" },
  GIF: { mime: "image/gif", extension: "gif" },
  TIF: { mime: "image/tiff", extension: "tif" },
  TIFF: { mime: "image/tiff", extension: "tiff" },
  BMP: { mime: "image/bmp", extension: "bmp" },
  DOC: { mime: "application/msword", extension: "doc" },
  DOCX: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extension: "docx" },
  ZIP: { mime: "application/zip", extension: "zip" },
  DCM: { mime: "application/dicom", extension: "dcm" },
};

export function mediaFileType(fileType: string): { mime: string; extension: string } | undefined {
  return mediaFileTypes[fileType.trim().toUpperCase()];
}
