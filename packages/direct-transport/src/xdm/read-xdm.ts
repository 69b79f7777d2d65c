import { createHash } from "node:crypto";
import { XdmError } from "./errors.js";
import { parseXdmMetadata, XdmMetadataError, type XdmDocumentEntry, type XdmMetadata } from "./metadata.js";
import { safeUnzip, type ZipFileEntry, type ZipLimits } from "./safe-unzip.js";

/**
 * Reading an IHE XDM package (ITI TF-1 §16, TF-3 §4.2.3), the ZIP a Direct message often carries its documents in:
 * `IHE_XDM/<subset>/METADATA.XML` beside the documents it describes. Senders differ on letter case, wrap the package
 * in an extra folder, and leave the URI slot out, so paths match without regard to case and a document without a URI
 * is found by its hash or its entry id.
 */

export type XdmLimits = ZipLimits;

export interface XdmDocument {
  /** Path in the archive. */
  path: string;
  /** Path relative to the submission set folder, as METADATA.XML's URI slot names it. */
  name: string;
  /** From the metadata, else guessed from the file extension. */
  mimeType: string;
  content: Buffer;
  /** The document entry that describes this file; absent for a file the metadata does not mention. */
  metadata?: XdmDocumentEntry;
}

export interface XdmSubmissionSetContent {
  /** Path of the submission set folder in the archive, e.g. `IHE_XDM/SUBSET01`. */
  path: string;
  /** Empty documents list when METADATA.XML could not be read (a warning says why). */
  metadata: XdmMetadata;
  documents: XdmDocument[];
}

export interface XdmPackage {
  submissionSets: XdmSubmissionSetContent[];
  /** What was tolerated: unreadable metadata, undescribed files, missing or mismatching documents, nested archives. */
  warnings: string[];
}

const METADATA = "metadata.xml";

/**
 * Reads an XDM ZIP. Refuses hostile or broken archives with an XdmError (see safeUnzip for the limits); tolerates,
 * with a warning, what a careless sender gets wrong.
 */
export async function readXdm(zip: Buffer, limits: Partial<XdmLimits> = {}): Promise<XdmPackage> {
  const files = await safeUnzip(zip, limits);
  const warnings: string[] = [];

  const subsets = files
    .map((file) => /^((?:.*\/)?IHE_XDM\/[^/]+)\/METADATA\.XML$/i.exec(file.path)?.[1])
    .filter((folder): folder is string => folder !== undefined)
    .sort();
  if (subsets.length === 0) throw new XdmError("not-xdm", "no IHE_XDM/<subset>/METADATA.XML in the archive");

  const submissionSets = subsets.map((folder) => readSubset(folder, files, warnings));
  return { submissionSets, warnings };
}

function readSubset(folder: string, files: ZipFileEntry[], warnings: string[]): XdmSubmissionSetContent {
  const prefix = `${folder.toLowerCase()}/`;
  const inFolder = files.filter((f) => f.path.toLowerCase().startsWith(prefix));
  const metadataFile = inFolder.find((f) => f.path.toLowerCase() === prefix + METADATA)!;
  const byName = new Map(inFolder.map((f) => [f.path.slice(prefix.length).toLowerCase(), f]));

  let metadata: XdmMetadata = { documents: [] };
  try {
    metadata = parseXdmMetadata(metadataFile.content.toString("utf8"));
  } catch (error) {
    if (!(error instanceof XdmMetadataError)) throw error;
    warnings.push(`${metadataFile.path}: ${error.message}`);
  }

  const claimed = new Map<ZipFileEntry, XdmDocumentEntry>();
  const hashes = new Map<ZipFileEntry, string>();
  const sha1 = (file: ZipFileEntry) => {
    let hash = hashes.get(file);
    if (hash === undefined) {
      hash = createHash("sha1").update(file.content).digest("hex");
      hashes.set(file, hash);
    }
    return hash;
  };
  for (const entry of metadata.documents) {
    const file = locate(entry, folder, inFolder, byName, claimed, sha1, warnings);
    if (!file) {
      warnings.push(`${folder}: document ${entry.entryId}${entry.uri ? ` (${entry.uri})` : ""} is not in the archive`);
      continue;
    }
    claimed.set(file, entry);
    checkIntegrity(file, entry, sha1, warnings);
  }

  const documents: XdmDocument[] = [];
  for (const file of inFolder) {
    if (file === metadataFile) continue;
    const entry = claimed.get(file);
    if (!entry) warnings.push(`${file.path}: not described in METADATA.XML`);
    if (isZip(file)) warnings.push(`${file.path}: a nested archive, returned as is and not opened`);
    documents.push({
      path: file.path,
      name: file.path.slice(prefix.length),
      mimeType: entry?.mimeType ?? guessMimeType(file.path),
      content: file.content,
      ...(entry ? { metadata: entry } : {}),
    });
  }
  return { path: folder, metadata, documents };
}

/**
 * The file a document entry describes: its URI relative to the submission set folder (ITI TF-3 §4.2.3.2.24), else a
 * file whose SHA-1 is the entry's hash, else a file named after the entry id (`Document01` → `Document01.xml`).
 */
function locate(
  entry: XdmDocumentEntry,
  folder: string,
  inFolder: ZipFileEntry[],
  byName: Map<string, ZipFileEntry>,
  claimed: Map<ZipFileEntry, XdmDocumentEntry>,
  sha1: (file: ZipFileEntry) => string,
  warnings: string[],
): ZipFileEntry | undefined {
  const free = (file: ZipFileEntry | undefined) => (file && !claimed.has(file) ? file : undefined);
  if (entry.uri) {
    const relative = entry.uri.replace(/^\.\//, "").replace(/\\/g, "/");
    const segments = relative.split("/");
    if (segments.includes("..") || relative.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(relative)) {
      warnings.push(`${folder}: document ${entry.entryId} has a URI outside its folder (${entry.uri}); ignored`);
    } else {
      const file = free(byName.get(relative.toLowerCase()) ?? byName.get(segments[segments.length - 1]!.toLowerCase()));
      if (file) return file;
    }
  }
  if (entry.hash) {
    const file = inFolder.find((f) => !claimed.has(f) && sha1(f) === entry.hash);
    if (file) {
      if (!entry.uri) warnings.push(`${file.path}: matched to document ${entry.entryId} by hash (no URI slot)`);
      return file;
    }
  }
  const id = entry.entryId.toLowerCase();
  const file = inFolder.find((f) => {
    const base = f.path.slice(f.path.lastIndexOf("/") + 1).toLowerCase();
    return !claimed.has(f) && base.slice(0, base.lastIndexOf(".")) === id && base.toLowerCase() !== METADATA;
  });
  if (file) warnings.push(`${file.path}: matched to document ${entry.entryId} by file name (no URI slot)`);
  return file;
}

function checkIntegrity(
  file: ZipFileEntry,
  entry: XdmDocumentEntry,
  sha1: (file: ZipFileEntry) => string,
  warnings: string[],
): void {
  if (entry.hash && sha1(file) !== entry.hash) {
    warnings.push(`${file.path}: SHA-1 does not match the hash in METADATA.XML`);
  }
  if (entry.size !== undefined && entry.size !== file.content.length) {
    warnings.push(`${file.path}: ${file.content.length} bytes, METADATA.XML says ${entry.size}`);
  }
}

/** Nested archives are handed back as bytes, never opened: each level would multiply what a bomb can do. */
function isZip(file: ZipFileEntry): boolean {
  return /\.zip$/i.test(file.path) || file.content.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"));
}

const MIME_TYPES: Record<string, string> = {
  xml: "text/xml",
  pdf: "application/pdf",
  txt: "text/plain",
  htm: "text/html",
  html: "text/html",
  xsl: "text/xsl",
  json: "application/json",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  tif: "image/tiff",
  tiff: "image/tiff",
  rtf: "text/rtf",
  zip: "application/zip",
};

function guessMimeType(path: string): string {
  const dot = path.lastIndexOf(".");
  return (dot >= 0 && MIME_TYPES[path.slice(dot + 1).toLowerCase()]) || "application/octet-stream";
}
