/**
 * A minimal DER writer (X.690 §8, §10): tag, definite length, value. Values are trees of Buffers that are copied
 * once, into one output buffer, by `encodeDer`; nothing is re-encoded, so constant pieces (a certificate's DER, an
 * algorithm identifier) are built once and reused.
 */
export type DerValue = Buffer | DerNode;

export class DerNode {
  /** Encoded size, identifier and length octets included. */
  readonly byteLength: number;
  constructor(
    readonly header: Buffer,
    readonly parts: readonly DerValue[],
    contentLength: number,
  ) {
    this.byteLength = header.length + contentLength;
  }
}

function sizeOf(value: DerValue): number {
  return value instanceof DerNode ? value.byteLength : value.length;
}

/** Identifier octet plus definite length octets (short form below 128, else the fewest long-form octets). */
function header(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest & 0xff);
  return Buffer.from([tag, 0x80 | octets.length, ...octets]);
}

/** An element with a single-octet identifier (`tag`, class and constructed bit included) holding `parts`. */
export function tlv(tag: number, ...parts: DerValue[]): DerNode {
  let length = 0;
  for (const part of parts) length += sizeOf(part);
  return new DerNode(header(tag, length), parts, length);
}

export const sequence = (...parts: DerValue[]): DerNode => tlv(0x30, ...parts);
export const set = (...parts: DerValue[]): DerNode => tlv(0x31, ...parts);
export const octetString = (...chunks: Buffer[]): DerNode => tlv(0x04, ...chunks);
/** [n] EXPLICIT, or the constructed form of an IMPLICIT tag (context class, constructed). */
export const contextConstructed = (n: number, ...parts: DerValue[]): DerNode => tlv(0xa0 | n, ...parts);
/** [n] IMPLICIT over a primitive type (context class, primitive). */
export const contextPrimitive = (n: number, ...chunks: Buffer[]): DerNode => tlv(0x80 | n, ...chunks);
export const NULL = Buffer.from([0x05, 0x00]);

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function setOf(elements: DerValue[]): DerNode {
  const encoded = elements.map(encodeDer).sort(Buffer.compare);
  return set(...encoded);
}

/** Small non-negative INTEGER (versions). */
export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new RangeError(`integer ${value}`);
  return Buffer.from([0x02, 0x01, value]);
}

const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER from its dotted form (X.690 §8.19), cached. */
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split(".").map(Number);
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) {
    throw new RangeError(`object identifier ${dotted}`);
  }
  const content: number[] = [];
  const subidentifiers = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  for (const value of subidentifiers) {
    const base128: number[] = [value % 128];
    for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128))
      base128.unshift(0x80 | (rest % 128));
    content.push(...base128);
  }
  const encoded = encodeDer(tlv(0x06, Buffer.from(content)));
  oidCache.set(dotted, encoded);
  return encoded;
}

/** AlgorithmIdentifier (RFC 5280 §4.1.1.2), parameters absent unless given. */
export function algorithm(dotted: string, parameters?: DerValue): DerNode {
  return parameters === undefined ? sequence(oid(dotted)) : sequence(oid(dotted), parameters);
}

/**
 * A time as RFC 5280 §4.1.2.5 and RFC 5652 §11.3 want it: UTCTime for 1950–2049, GeneralizedTime otherwise, in UTC
 * with whole seconds.
 */
export function time(date: Date): Buffer {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastTime.second) lastTime = { second, encoded: encodeTime(date) };
  return lastTime.encoded;
}

/** Signatures made in the same second carry the same time: the last encoding is kept. */
let lastTime: { second: number; encoded: Buffer } = { second: NaN, encoded: Buffer.alloc(0) };

function encodeTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const two = (n: number) => String(n).padStart(2, "0");
  const rest =
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    "Z";
  if (year >= 1950 && year < 2050) return encodeDer(tlv(0x17, Buffer.from(two(year % 100) + rest, "latin1")));
  return encodeDer(tlv(0x18, Buffer.from(String(year).padStart(4, "0") + rest, "latin1")));
}

/** The encoding of `value`, in one newly allocated buffer (or `value` itself when it is a Buffer). */
export function encodeDer(value: DerValue): Buffer {
  if (!(value instanceof DerNode)) return value;
  const out = Buffer.allocUnsafe(value.byteLength);
  const end = write(value, out, 0);
  if (end !== out.length) throw new Error("DER length mismatch");
  return out;
}

function write(value: DerValue, out: Buffer, offset: number): number {
  if (!(value instanceof DerNode)) {
    value.copy(out, offset);
    return offset + value.length;
  }
  let at = offset + value.header.copy(out, offset);
  for (const part of value.parts) at = write(part, out, at);
  return at;
}
