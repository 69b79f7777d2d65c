import { DirectSecurityError } from "../errors.js";

/**
 * Byte-exact MIME entity handling. S/MIME signatures cover the exact bytes of the signed part (RFC 8551 §3.5), so the
 * security agent splits entities itself rather than through a parser that re-encodes them.
 */
export interface MimeEntity {
  /** Header fields in order, names as written, values unfolded. */
  headers: { name: string; value: string }[];
  /** The raw header block, without the blank line. */
  rawHeaders: Buffer;
  /** The body as sent (still transfer-encoded). */
  body: Buffer;
}

const CRLF = Buffer.from("\r\n");

/** Normalises bare LF line endings to CRLF (RFC 5322 §2.1), leaving existing CRLF alone. */
export function toCrlf(raw: Buffer): Buffer {
  // Most input is already canonical: find the first bare LF without copying anything.
  let lf = raw.indexOf(0x0a);
  while (lf > 0 && raw[lf - 1] === 0x0d) lf = raw.indexOf(0x0a, lf + 1);
  if (lf < 0) return raw;
  return Buffer.from(raw.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
}

/**
 * Splits an entity into headers and body, with line endings normalised to CRLF (only the header block is scanned to
 * find where it ends). With `canonical`, the caller vouches that `raw` already ends its lines with CRLF (it came out
 * of `toCrlf`) and nothing is scanned. With `normalizeBody: false` the body is left as it came, for a caller that
 * only base64-decodes it (line endings do not matter there).
 */
export function parseEntity(raw: Buffer, options: { canonical?: boolean; normalizeBody?: boolean } = {}): MimeEntity {
  let rawHeaders: Buffer;
  let body: Buffer;
  const at = headerEnd(raw);
  if (at === undefined) {
    rawHeaders = raw;
    body = Buffer.alloc(0);
  } else {
    rawHeaders = raw.subarray(0, at.headers);
    body = raw.subarray(at.body);
  }
  if (!options.canonical) {
    rawHeaders = toCrlf(rawHeaders);
    if (options.normalizeBody !== false) body = toCrlf(body);
  }
  const headers: { name: string; value: string }[] = [];
  for (const line of rawHeaders.toString("latin1").split("\r\n")) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last.value += " " + line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return { headers, rawHeaders, body };
}

/**
 * Where the header block ends and the body begins: at the first empty line, whatever mix of CRLF and bare LF ends
 * the lines (as if the text had been normalised first); undefined when there is no empty line.
 */
function headerEnd(raw: Buffer): { headers: number; body: number } | undefined {
  if (raw[0] === 0x0a) return { headers: 0, body: 1 };
  if (raw[0] === 0x0d && raw[1] === 0x0a) return { headers: 0, body: 2 };
  for (let lf = raw.indexOf(0x0a); lf >= 0; lf = raw.indexOf(0x0a, lf + 1)) {
    const headers = lf > 0 && raw[lf - 1] === 0x0d ? lf - 1 : lf;
    if (raw[lf + 1] === 0x0a) return { headers, body: lf + 2 };
    if (raw[lf + 1] === 0x0d && raw[lf + 2] === 0x0a) return { headers, body: lf + 3 };
  }
  return undefined;
}

export function headerValue(entity: MimeEntity, name: string): string | undefined {
  const lower = name.toLowerCase();
  return entity.headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

export function headerValues(entity: MimeEntity, name: string): string[] {
  const lower = name.toLowerCase();
  return entity.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

export interface ContentType {
  /** `type/subtype`, lower case. */
  mediaType: string;
  /** Parameter names lower case, values unquoted. */
  params: Record<string, string>;
}

export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { mediaType: "text/plain", params: {} };
  const [type = "", ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) val = val.slice(1, -1).replace(/\\(.)/g, "$1");
    params[key] = val;
  }
  return { mediaType: type.trim().toLowerCase(), params };
}

function splitParams(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5c && quoted) {
      i++; // a quoted pair: the next character is literal
    } else if (c === 0x22) {
      quoted = !quoted;
    } else if (c === 0x3b && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/**
 * The body parts of a multipart entity, each byte-exact: RFC 2046 §5.1.1 says the CRLF before a boundary delimiter
 * belongs to the delimiter, not to the part.
 */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, "latin1");
  const parts: Buffer[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new DirectSecurityError("malformed", "multipart boundary not found");
  for (;;) {
    const lineEnd = body.indexOf(CRLF, position);
    if (lineEnd < 0) break;
    const afterDelimiter = body.subarray(position + delimiter.length, position + delimiter.length + 2);
    if (afterDelimiter.toString("latin1") === "--") break;
    const start = lineEnd + 2;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), start - 2);
    if (next < 0) throw new DirectSecurityError("malformed", "multipart close delimiter not found");
    parts.push(body.subarray(start, next));
    position = next + 2;
  }
  return parts;
}

/** Decodes a body by its Content-Transfer-Encoding (base64, quoted-printable, 7bit, 8bit, binary). */
export function decodeBody(entity: MimeEntity): Buffer {
  const encoding = (headerValue(entity, "Content-Transfer-Encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") {
    const text = entity.body.toString("latin1");
    // Node's decoder skips line breaks and every other character outside the alphabet by itself, except the base64url
    // characters - and _, which it would decode: only those need the cleaning pass (a test checks the equivalence).
    const clean = text.indexOf("-") < 0 && text.indexOf("_") < 0;
    return Buffer.from(clean ? text : text.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  }
  if (encoding === "quoted-printable") {
    const text = entity.body.toString("latin1").replace(/=\r\n/g, "");
    return Buffer.from(
      text.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    );
  }
  return entity.body;
}

/** Base64 folded at 76 characters per line (RFC 2045 §6.8), CRLF line endings. */
export function base64Lines(data: Buffer): string {
  return base64LinesAfter(Buffer.alloc(0), data).toString("latin1");
}

/** `prefix` followed by `data` in base64 folded at 76 characters per line, CRLF line endings, in one buffer. */
export function base64LinesAfter(prefix: Buffer, data: Buffer): Buffer {
  const encodedLength = Math.ceil(data.length / 3) * 4;
  const lines = Math.max(1, Math.ceil(encodedLength / 76));
  const out = Buffer.allocUnsafe(prefix.length + encodedLength + 2 * lines);
  prefix.copy(out, 0);
  const start = prefix.length;
  // Encoded a block of whole lines at a time (57 bytes make one 76-character line): a 10 MB file never becomes one
  // 13 MB string beside the buffer.
  const blockBytes = 57 * 2048;
  for (let offset = 0; offset < data.length; offset += blockBytes) {
    out.write(
      data.toString("base64", offset, Math.min(offset + blockBytes, data.length)),
      start + (offset / 3) * 4,
      "latin1",
    );
  }
  // Spread the lines out from the last, so that no line is overwritten before it moves.
  for (let line = lines - 1; line >= 0; line--) {
    const from = start + line * 76;
    const to = Math.min(from + 76, start + encodedLength);
    const at = start + line * 78;
    out.copyWithin(at, from, to);
    out[at + to - from] = 0x0d;
    out[at + to - from + 1] = 0x0a;
  }
  return out;
}

/** Extracts bare addresses (`local@domain`) from an address-list header value. */
export function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  const found: string[] = [];
  // Remove quoted display names and comments, then take each angle-addr or bare addr-spec.
  const cleaned = value.replace(/"(?:[^"\\]|\\.)*"/g, "").replace(/\([^)]*\)/g, "");
  for (const part of cleaned.split(",")) {
    const angle = /<([^>]*)>/.exec(part);
    const address = (angle ? angle[1]! : part).trim();
    if (address.includes("@")) found.push(address.toLowerCase());
  }
  return found;
}
