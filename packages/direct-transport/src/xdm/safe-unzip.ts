import type { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { XdmError } from "./errors.js";

/**
 * Reads a ZIP archive that came from a stranger. Every limit is checked twice: against the sizes the archive declares
 * (cheap, before anything is inflated) and against the bytes actually produced while inflating, because a hostile
 * archive can declare anything.
 */

export interface ZipLimits {
  /** Size of the archive itself. Default 50 MiB. */
  maxArchiveBytes: number;
  /** Entries, directories included. Default 1,000. */
  maxEntries: number;
  /** Inflated bytes of one entry. Default 50 MiB. */
  maxEntryBytes: number;
  /** Inflated bytes of all entries together. Default 200 MiB. */
  maxTotalBytes: number;
  /** Inflated / compressed bytes of one entry. Default 200 (text compresses 5–20×; bombs reach 1000×). */
  maxCompressionRatio: number;
  /** Entries that inflate to less than this are not held to the ratio: small files of zeros are harmless. */
  ratioExemptBytes: number;
}

export const defaultZipLimits: ZipLimits = {
  maxArchiveBytes: 50 * 1024 * 1024,
  maxEntries: 1000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 200 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioExemptBytes: 1024 * 1024,
};

export interface ZipFileEntry {
  /** The entry name, `/`-separated, checked safe. */
  path: string;
  content: Buffer;
}

const STORED = 0;
const DEFLATED = 8;

/** Extracts the files of an archive (directories are skipped), refusing it whole on any hostile sign. */
export async function safeUnzip(archive: Buffer, limits: Partial<ZipLimits> = {}): Promise<ZipFileEntry[]> {
  const limit: ZipLimits = { ...defaultZipLimits, ...limits };
  if (archive.length > limit.maxArchiveBytes) {
    throw new XdmError("too-large", `archive is ${archive.length} bytes, limit ${limit.maxArchiveBytes}`);
  }
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: yauzl would reject unsafe names with a bare Error; names are checked below instead.
    zip = await yauzl.fromBufferPromise(archive, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw new XdmError("not-zip", `not a ZIP archive (${(error as Error).message})`, { cause: error });
  }
  try {
    if (zip.entryCount > limit.maxEntries) {
      throw new XdmError("too-many-entries", `archive declares ${zip.entryCount} entries, limit ${limit.maxEntries}`);
    }
    const entries = await listEntries(zip, limit);
    const files: ZipFileEntry[] = [];
    let total = 0;
    for (const { entry, path } of entries) {
      const content = await inflate(zip, entry, path, limit, limit.maxTotalBytes - total);
      total += content.length;
      files.push({ path, content });
    }
    return files;
  } finally {
    zip.close();
  }
}

async function listEntries(zip: yauzl.ZipFile, limit: ZipLimits): Promise<{ entry: yauzl.Entry; path: string }[]> {
  const entries: { entry: yauzl.Entry; path: string }[] = [];
  const seen = new Set<string>();
  let declaredTotal = 0;
  let count = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      // Directories count too: the central directory may declare fewer entries than it holds.
      if (++count > limit.maxEntries) {
        throw new XdmError("too-many-entries", `more than ${limit.maxEntries} entries`);
      }
      const path = entryName(entry);
      if (path.endsWith("/")) continue;
      if (entry.isEncrypted()) throw new XdmError("encrypted", `entry ${path} is encrypted`);
      if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
        throw new XdmError(
          "unsupported-compression",
          `entry ${path} uses compression method ${entry.compressionMethod}`,
        );
      }
      checkDeclaredSize(entry, path, limit);
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > limit.maxTotalBytes) {
        throw new XdmError("too-large", `entries declare more than ${limit.maxTotalBytes} bytes in all`);
      }
      // Two entries with one name (or names differing only in case) would let one shadow the other.
      const key = path.toLowerCase();
      if (seen.has(key)) throw new XdmError("corrupt", `duplicate entry ${path}`);
      seen.add(key);
      entries.push({ entry, path });
    }
  } catch (error) {
    if (error instanceof XdmError) throw error;
    throw new XdmError("corrupt", `unreadable central directory (${(error as Error).message})`, { cause: error });
  }
  refuseOverlaps(entries);
  return entries;
}

/**
 * Entries whose data overlap let a small archive inflate the same compressed bytes many times over (the
 * "non-recursive zip bomb"); in a well-formed archive every entry's local header and data stand apart.
 */
function refuseOverlaps(entries: { entry: yauzl.Entry; path: string }[]): void {
  const LOCAL_HEADER_BYTES = 30;
  const byOffset = [...entries].sort(
    (a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader,
  );
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!.entry;
    const end =
      previous.relativeOffsetOfLocalHeader + LOCAL_HEADER_BYTES + previous.fileNameLength + previous.compressedSize;
    if (byOffset[i]!.entry.relativeOffsetOfLocalHeader < end) {
      throw new XdmError("corrupt", `entries ${byOffset[i - 1]!.path} and ${byOffset[i]!.path} overlap`);
    }
  }
}

function checkDeclaredSize(entry: yauzl.Entry, path: string, limit: ZipLimits): void {
  if (entry.uncompressedSize > limit.maxEntryBytes) {
    throw new XdmError(
      "entry-too-large",
      `entry ${path} declares ${entry.uncompressedSize} bytes, limit ${limit.maxEntryBytes}`,
    );
  }
  if (
    entry.uncompressedSize > limit.ratioExemptBytes &&
    entry.uncompressedSize > Math.max(entry.compressedSize, 1) * limit.maxCompressionRatio
  ) {
    throw new XdmError(
      "compression-ratio",
      `entry ${path} declares ${entry.uncompressedSize} bytes from ${entry.compressedSize}`,
    );
  }
}

/**
 * The entry name, refused when it could write outside the folder it is extracted to: `..` segments, absolute and
 * drive-letter paths, backslashes (a separator on Windows), NUL and other control characters.
 */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileNameRaw;
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  const shown = JSON.stringify(name);
  // eslint-disable-next-line no-control-regex
  if (raw.includes(0) || /[\u0000-\u001f\u007f]/.test(name))
    throw new XdmError("unsafe-path", `control character in ${shown}`);
  if (name.includes("\\")) throw new XdmError("unsafe-path", `backslash in ${shown}`);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw new XdmError("unsafe-path", `absolute path ${shown}`);
  if (name.split("/").some((segment) => segment === "..")) throw new XdmError("unsafe-path", `'..' in ${shown}`);
  if (name === "") throw new XdmError("unsafe-path", "empty entry name");
  return name;
}

/** Inflates one entry, counting the bytes as they come and stopping at the first byte over any limit. */
async function inflate(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  path: string,
  limit: ZipLimits,
  totalLeft: number,
): Promise<Buffer> {
  const ratioCap = Math.max(limit.ratioExemptBytes, Math.max(entry.compressedSize, 1) * limit.maxCompressionRatio);
  let stream: Readable | undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit.maxEntryBytes)
        throw new XdmError("entry-too-large", `entry ${path} inflates past ${limit.maxEntryBytes} bytes`);
      if (size > ratioCap) throw new XdmError("compression-ratio", `entry ${path} inflates past ${ratioCap} bytes`);
      if (size > totalLeft) throw new XdmError("too-large", `entries inflate past ${limit.maxTotalBytes} bytes in all`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof XdmError) throw error;
    const message = (error as Error).message;
    // yauzl's own size check (validateEntrySizes) stops an entry at the first byte past what it declared.
    if (/too many bytes/.test(message)) {
      throw new XdmError(
        "corrupt",
        `entry ${path} inflates past the ${entry.uncompressedSize} bytes it declares (a zip bomb or a broken archive)`,
        { cause: error },
      );
    }
    throw new XdmError("corrupt", `entry ${path} is unreadable (${message})`, { cause: error });
  } finally {
    stream?.destroy();
  }
  const content = Buffer.concat(chunks, size);
  // yauzl does not check the CRC-32; a clinical document must arrive as it was sent.
  if (crc32(content) !== entry.crc32) throw new XdmError("corrupt", `entry ${path} fails its CRC-32 check`);
  return content;
}
