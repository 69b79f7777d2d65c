import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  base64Lines,
  base64LinesAfter,
  decodeBody,
  parseContentType,
  parseEntity,
  toCrlf,
} from "../src/mime/entity.js";

const base64Entity = (body: string) =>
  parseEntity(Buffer.from(`Content-Transfer-Encoding: base64\r\n\r\n${body}`, "latin1"));

describe("MIME entity helpers on their fast paths", () => {
  it("toCrlf returns canonical input itself, and normalises only bare LFs", () => {
    const canonical = Buffer.from("a\r\nb\r\n\r\nc");
    expect(toCrlf(canonical)).toBe(canonical);
    expect(toCrlf(Buffer.from("a\nb\r\nc\r\r\n\n")).toString()).toBe("a\r\nb\r\nc\r\r\n\r\n");
    expect(toCrlf(Buffer.from("\nx")).toString()).toBe("\r\nx");
  });

  it("splits headers from body exactly as normalising the whole text first would", () => {
    const reference = (raw: Buffer) => {
      const text = Buffer.from(raw.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
      if (text.subarray(0, 2).toString() === "\r\n")
        return { rawHeaders: "", body: text.subarray(2).toString("latin1") };
      const split = text.indexOf("\r\n\r\n");
      if (split < 0) return { rawHeaders: text.toString("latin1"), body: "" };
      return {
        rawHeaders: text.subarray(0, split).toString("latin1"),
        body: text.subarray(split + 4).toString("latin1"),
      };
    };
    const piece = fc.constantFrom("\r", "\n", "\r\n", "a: b", " c", "x", ":", "\t");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const raw = Buffer.from(pieces.join(""), "latin1");
        const parsed = parseEntity(raw);
        const expected = reference(raw);
        expect({ rawHeaders: parsed.rawHeaders.toString("latin1"), body: parsed.body.toString("latin1") }).toEqual(
          expected,
        );
        expect(parseEntity(raw, { normalizeBody: false }).rawHeaders.toString("latin1")).toBe(expected.rawHeaders);
        expect(parseEntity(toCrlf(raw), { canonical: true }).body.toString("latin1")).toBe(expected.body);
      }),
      { numRuns: 3000 },
    );
  });

  it("folds base64 at 76 characters with CRLF, as the string form always did", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ maxLength: 20 }), (data, prefix) => {
        const encoded = Buffer.from(data).toString("base64");
        const lines: string[] = [];
        for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
        const expected = lines.join("\r\n") + "\r\n";
        expect(base64Lines(Buffer.from(data))).toBe(expected);
        expect(base64LinesAfter(Buffer.from(prefix), Buffer.from(data))).toEqual(
          Buffer.concat([Buffer.from(prefix), Buffer.from(expected, "latin1")]),
        );
      }),
    );
  });

  it("decodes base64 bodies exactly as removing every character outside the alphabet first would", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    const junk = "\r\n \t.:*!\x00\x80\xff-_";
    const char = fc.oneof(
      fc.constantFrom(...alphabet.split("")),
      fc.constantFrom(...alphabet.split("")),
      fc.constantFrom(...junk.split("")),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 60 }), (chars) => {
        const body = chars.join("");
        const expected = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
        expect(decodeBody(base64Entity(body))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("Content-Type parameters", () => {
  it("split on semicolons outside quotes, quoted pairs kept literal", () => {
    expect(
      parseContentType('multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\tboundary="a;b\\"c"'),
    ).toEqual({
      mediaType: "multipart/signed",
      params: { protocol: "application/pkcs7-signature", micalg: "sha-256", boundary: 'a;b"c' },
    });
    expect(parseContentType('Text/Plain; charset="x\\\\"; name=y')).toEqual({
      mediaType: "text/plain",
      params: { charset: "x\\", name: "y" },
    });
  });
});
