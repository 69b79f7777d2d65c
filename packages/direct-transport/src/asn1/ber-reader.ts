/**
 * A lean BER reader (X.690 §8) for the CMS structures a receiving agent reads. It walks offsets over the input
 * buffer and hands out subarrays, never copies (except to join the chunks of a constructed string). It accepts what
 * BER allows and real senders use: definite and indefinite lengths, constructed (chunked) strings, long-form
 * lengths. Anything inconsistent (a length past its container, a missing end-of-contents, nesting too deep) throws
 * a BerError; callers turn that into their own refusal.
 */
export class BerError extends Error {
  override readonly name = "BerError";
}

const MAX_DEPTH = 64;

export class BerNode {
  private childList?: BerNode[];

  constructor(
    /** The whole input the node lies in. */
    readonly buffer: Buffer,
    /** The first identifier octet (class, constructed bit and low tag number; 0x1f marks a high tag number). */
    readonly tag: number,
    /** Offset of the identifier octet. */
    readonly start: number,
    /** Offset of the first content octet. */
    readonly contentStart: number,
    /** Offset just after the last content octet (before the end-of-contents octets of an indefinite length). */
    readonly contentEnd: number,
    /** Offset just after the element (end-of-contents included). */
    readonly end: number,
    private readonly depth: number,
    children?: BerNode[],
  ) {
    this.childList = children;
  }

  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }

  get indefinite(): boolean {
    return this.end !== this.contentEnd;
  }

  /** The content octets, as they lie in the input. */
  get content(): Buffer {
    return this.buffer.subarray(this.contentStart, this.contentEnd);
  }

  /** The whole element, identifier to end, as it lies in the input. */
  get raw(): Buffer {
    return this.buffer.subarray(this.start, this.end);
  }

  /** The elements of a constructed value. */
  children(): BerNode[] {
    if (this.childList) return this.childList;
    if (!this.constructed) throw new BerError(`element 0x${hex(this.tag)} is primitive`);
    const list: BerNode[] = [];
    let at = this.contentStart;
    while (at < this.contentEnd) {
      const child = readElement(this.buffer, at, this.contentEnd, this.depth + 1);
      if (child === undefined) throw new BerError("end-of-contents inside a definite length");
      list.push(child);
      at = child.end;
    }
    this.childList = list;
    return list;
  }

  /** The child at `index`, which must exist; with `tag`, it must carry that identifier. */
  child(index: number, tag?: number): BerNode {
    const found = this.children()[index];
    if (!found) throw new BerError(`element 0x${hex(this.tag)} has no item ${index}`);
    if (tag !== undefined) found.expect(tag);
    return found;
  }

  expect(tag: number): this {
    if (this.tag !== tag) throw new BerError(`expected 0x${hex(tag)}, found 0x${hex(this.tag)}`);
    return this;
  }

  /**
   * The octets of a string type, primitive or constructed (X.690 §8.7.3: the concatenation of the contents of its
   * OCTET STRING segments, which may nest). An implicitly tagged OCTET STRING reads the same way.
   */
  octets(): Buffer {
    if (!this.constructed) return this.content;
    const chunks: Buffer[] = [];
    this.collectOctets(chunks);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  private collectOctets(chunks: Buffer[]): void {
    for (const segment of this.children()) {
      if ((segment.tag & 0xdf) !== 0x04) throw new BerError(`segment 0x${hex(segment.tag)} in a constructed string`);
      if (segment.constructed) segment.collectOctets(chunks);
      else chunks.push(segment.content);
    }
  }

  /** OBJECT IDENTIFIER in dotted form. */
  oid(): string {
    this.expect(0x06);
    return decodeOid(this.content);
  }
}

/** Reads one element that must span `input` exactly (trailing bytes are refused). */
export function readBer(input: Buffer): BerNode {
  const node = readElement(input, 0, input.length, 0);
  if (node === undefined) throw new BerError("end-of-contents at the top level");
  if (node.end !== input.length) throw new BerError("data after the top-level element");
  return node;
}

/** One element at `offset`, not past `limit`; undefined for end-of-contents octets (0x00 0x00). */
function readElement(buffer: Buffer, offset: number, limit: number, depth: number): BerNode | undefined {
  if (depth > MAX_DEPTH) throw new BerError("nesting too deep");
  let at = offset;
  if (at >= limit) throw new BerError("truncated identifier");
  const tag = buffer[at++]!;
  if ((tag & 0x1f) === 0x1f) {
    // High tag number: base-128 octets, the last without the top bit.
    let octets = 0;
    for (;;) {
      if (at >= limit) throw new BerError("truncated tag number");
      const octet = buffer[at++]!;
      if (++octets > 4) throw new BerError("tag number too large");
      if ((octet & 0x80) === 0) break;
    }
  }
  if (at >= limit) throw new BerError("truncated length");
  const first = buffer[at++]!;
  if (tag === 0x00) {
    if (first !== 0x00) throw new BerError("malformed end-of-contents");
    return undefined;
  }
  if (first === 0x80) {
    // Indefinite length (X.690 §8.1.3.6): constructed only, elements up to the end-of-contents octets.
    if ((tag & 0x20) === 0) throw new BerError("indefinite length on a primitive element");
    const contentStart = at;
    const children: BerNode[] = [];
    for (;;) {
      const child = readElement(buffer, at, limit, depth + 1);
      if (child === undefined) return new BerNode(buffer, tag, offset, contentStart, at, at + 2, depth, children);
      children.push(child);
      at = child.end;
    }
  }
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count > 4 || count === 0x7f) throw new BerError("length too large");
    if (at + count > limit) throw new BerError("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[at++]!;
  }
  if (length > limit - at) throw new BerError("length past the end of its container");
  return new BerNode(buffer, tag, offset, at, at + length, at + length, depth);
}

const oidCache = new Map<string, string>();

function decodeOid(content: Buffer): string {
  const key = content.toString("latin1");
  const cached = oidCache.get(key);
  if (cached !== undefined) return cached;
  if (content.length === 0 || (content[content.length - 1]! & 0x80) !== 0) throw new BerError("malformed OID");
  const arcs: number[] = [];
  let value = 0;
  for (const octet of content) {
    value = value * 128 + (octet & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new BerError("OID arc too large");
    if ((octet & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const firstArc = arcs[0]!;
  const head = firstArc < 80 ? [Math.floor(firstArc / 40), firstArc % 40] : [2, firstArc - 80];
  const dotted = [...head, ...arcs.slice(1)].join(".");
  if (oidCache.size < 1024) oidCache.set(key, dotted);
  return dotted;
}

function hex(tag: number): string {
  return tag.toString(16).padStart(2, "0");
}
