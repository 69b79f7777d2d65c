import { decodeBody, headerValue, parseContentType, parseEntity, type MimeEntity } from "../mime/entity.js";

/**
 * Lenient readers shared by the MDN and DSN parsers. Notifications come from many MTAs and HISPs, some of them old or
 * careless, so every function here accepts what it can and never throws.
 */

/** One `Name: value` field of a report body, name as written, value unfolded and trimmed. */
export interface ReportField {
  name: string;
  value: string;
}

/**
 * Splits a `message/delivery-status` or `message/disposition-notification` body into its groups of fields (RFC 3464
 * §2.1: per-message fields, then one group per recipient, separated by blank lines). Continuation lines are unfolded.
 */
export function fieldGroups(body: string): ReportField[][] {
  const groups: ReportField[][] = [];
  let current: ReportField[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (line.trim() === "") {
      if (current.length > 0) groups.push(current);
      current = [];
      continue;
    }
    if (/^[ \t]/.test(line)) {
      const last = current[current.length - 1];
      if (last) last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    current.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export function field(group: readonly ReportField[], name: string | RegExp): string | undefined {
  const matches =
    typeof name === "string" ? (n: string) => n.toLowerCase() === name.toLowerCase() : (n: string) => name.test(n);
  return group.find((f) => matches(f.name))?.value;
}

/**
 * An address from an address field such as `Final-Recipient: rfc822; <Bob@Example.org>`: the address-type prefix, a
 * display name and angle brackets removed, lower case. Returns undefined when nothing address-like is left.
 */
export function normaliseAddress(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let text = value.trim();
  const semicolon = text.indexOf(";");
  // `rfc822;addr`, `rfc822; addr`, `RFC822 ; addr`: the address type is an atom before the first semicolon.
  if (semicolon >= 0 && /^[A-Za-z0-9-]+\s*$/.test(text.slice(0, semicolon))) text = text.slice(semicolon + 1);
  const angle = /<([^<>]*)>/.exec(text);
  if (angle) text = angle[1]!;
  text = text.replace(/\([^)]*\)/g, "").trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1).trim();
  return text === "" ? undefined : text.toLowerCase();
}

/**
 * A Message-ID in its `<id>` form (RFC 5322 §3.6.4). Message IDs are compared literally, so case is kept; values
 * written without angle brackets (some agents do) get them, so both spellings correlate with what was sent.
 */
export function normaliseMessageId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const angle = /<([^<>]*)>/.exec(value);
  const id = (angle ? angle[1]! : value).trim();
  return id === "" ? undefined : `<${id}>`;
}

/** The part after the type prefix of a typed field such as `Remote-MTA: dns; mx.example.org`. */
export function afterType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const semicolon = value.indexOf(";");
  const text = (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim();
  return text === "" ? undefined : text;
}

/**
 * The parts of a multipart body. Unlike the byte-exact splitter used for signatures, this one forgives what
 * notifications in the wild get wrong: a missing close delimiter, trailing white space after a delimiter, LF line
 * endings. RFC 2046 §5.1.1: the line break before a delimiter belongs to the delimiter.
 */
export function lenientParts(body: Buffer, boundary: string): Buffer[] {
  const open = `--${boundary}`;
  const close = `--${boundary}--`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  for (const line of body.toString("latin1").split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === close) {
      if (current) parts.push(current);
      current = undefined;
      break;
    }
    if (trimmed === open) {
      if (current) parts.push(current);
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current);
  return parts.map((lines) => Buffer.from(lines.join("\r\n"), "latin1"));
}

/** A MIME entity with its media type, parsed without throwing. */
export interface Part {
  entity: MimeEntity;
  mediaType: string;
  params: Record<string, string>;
}

export function toPart(raw: Buffer): Part {
  const entity = parseEntity(raw);
  const { mediaType, params } = parseContentType(headerValue(entity, "Content-Type"));
  return { entity, mediaType, params };
}

/** The body of a part decoded by its transfer encoding and charset; latin1 when the charset is unknown. */
export function partText(part: Part): string {
  const bytes = decodeBody(part.entity);
  const charset = (part.params["charset"] ?? "utf-8").toLowerCase();
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

/** Reads a header from the shapes callers hold: parsed entity headers, a plain record, or a Map (mailparser). */
export type HeaderSource =
  readonly { name: string; value: string }[] | ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

export function readHeader(headers: HeaderSource, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value: unknown;
  if (Array.isArray(headers)) {
    value = (headers as readonly { name: string; value: string }[]).find((h) => h.name.toLowerCase() === lower)?.value;
  } else if (headers instanceof Map) {
    for (const [key, v] of headers) if (String(key).toLowerCase() === lower) value = v;
  } else {
    for (const [key, v] of Object.entries(headers)) if (key.toLowerCase() === lower) value = v;
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "value" in value && typeof value.value === "string") return value.value;
  return undefined;
}
