import { describe, expect, it } from "vitest";
import { BerError, readBer } from "../src/asn1/ber-reader.js";
import {
  algorithm,
  contextPrimitive,
  encodeDer,
  octetString,
  oid,
  sequence,
  setOf,
  time,
  tlv,
} from "../src/asn1/der-writer.js";

const hex = (text: string) => Buffer.from(text.replace(/\s/g, ""), "hex");

describe("DER writer", () => {
  it("writes short and long definite lengths", () => {
    expect(encodeDer(octetString(Buffer.alloc(127))).subarray(0, 2)).toEqual(hex("04 7f"));
    expect(encodeDer(octetString(Buffer.alloc(128))).subarray(0, 3)).toEqual(hex("04 81 80"));
    expect(encodeDer(octetString(Buffer.alloc(256))).subarray(0, 4)).toEqual(hex("04 82 0100"));
    expect(encodeDer(octetString(Buffer.alloc(65536))).subarray(0, 5)).toEqual(hex("04 83 010000"));
  });

  it("encodes object identifiers, algorithm identifiers and times as X.690 says", () => {
    expect(oid("1.2.840.113549.1.7.2")).toEqual(hex("06 09 2a864886f70d010702"));
    expect(oid("2.16.840.1.101.3.4.1.42")).toEqual(hex("06 09 60864801650304012a"));
    expect(encodeDer(algorithm("2.16.840.1.101.3.4.2.1"))).toEqual(hex("30 0b 06 09 608648016503040201"));
    expect(time(new Date("2026-01-02T03:04:05.678Z"))).toEqual(Buffer.from("\x17\x0d260102030405Z", "latin1"));
    expect(time(new Date("2050-01-01T00:00:00Z"))).toEqual(Buffer.from("\x18\x0f20500101000000Z", "latin1"));
  });

  it("sorts a SET OF by encoding", () => {
    const set = encodeDer(setOf([hex("04 02 0202"), hex("04 01 ff"), hex("02 01 05")]));
    expect(set).toEqual(hex("31 0a 02 01 05 04 01 ff 04 02 0202"));
  });

  it("concatenates chunks into one primitive value without re-encoding them", () => {
    const encoded = encodeDer(sequence(contextPrimitive(0, Buffer.from("ab"), Buffer.from("cd"))));
    expect(encoded).toEqual(hex("30 06 80 04 61626364"));
  });
});

describe("BER reader", () => {
  it("reads what the writer writes", () => {
    const der = encodeDer(sequence(oid("1.2.840.113549.1.7.1"), tlv(0xa0, octetString(Buffer.alloc(300, 7)))));
    const node = readBer(der);
    expect(node.tag).toBe(0x30);
    expect(node.indefinite).toBe(false);
    expect(node.child(0).oid()).toBe("1.2.840.113549.1.7.1");
    expect(node.child(1, 0xa0).child(0, 0x04).octets()).toEqual(Buffer.alloc(300, 7));
  });

  it("reads indefinite lengths and constructed, nested OCTET STRING segments", () => {
    // SEQUENCE (indefinite) { [0] (indefinite) { OCTET STRING (constructed, indefinite) {
    //   "ab", OCTET STRING (constructed, definite) { "c", "d" }, "" } } }
    const ber = hex(`
      30 80
        a0 80
          24 80
            04 02 6162
            24 06 04 01 63 04 01 64
            04 00
          00 00
        00 00
      00 00`);
    const node = readBer(ber);
    expect(node.indefinite).toBe(true);
    expect(node.end).toBe(ber.length);
    const string = node.child(0, 0xa0).child(0, 0x24);
    expect(string.indefinite).toBe(true);
    expect(string.children()).toHaveLength(3);
    expect(string.octets().toString()).toBe("abcd");
    // An implicitly tagged, constructed string ([0] IMPLICIT OCTET STRING, as encryptedContent) reads the same way.
    expect(readBer(hex("a0 80 04 01 61 04 01 62 00 00")).octets().toString()).toBe("ab");
  });

  it("hands out views into the input, not copies", () => {
    const der = hex("30 05 04 03 616263");
    const value = readBer(der).child(0).octets();
    expect(value.buffer).toBe(der.buffer);
    expect(value.byteOffset).toBe(der.byteOffset + 4);
  });

  it.each([
    ["a truncated element", "30 05 04 03 6162"],
    ["a length past its container", "30 03 04 05 616263"],
    ["a missing end-of-contents", "30 80 04 01 61"],
    ["end-of-contents inside a definite length", "30 04 04 00 00 00"],
    ["an indefinite length on a primitive element", "04 80 61 00 00"],
    ["trailing data", "04 01 61 ff"],
    ["a length of more than four octets", "04 85 0100000000"],
    ["a non-OCTET STRING segment in a constructed string", "24 03 02 01 05"],
  ])("refuses %s", (_name, input) => {
    expect(() => {
      const node = readBer(hex(input));
      node.children().forEach((child) => child.octets());
      node.octets();
    }).toThrow(BerError);
  });

  it("refuses nesting deeper than it walks", () => {
    const deep = Buffer.concat([Buffer.alloc(200, 0x30).map((_v, i) => (i % 2 ? 0x80 : 0x30)), Buffer.alloc(200)]);
    expect(() => readBer(deep)).toThrow(/nesting too deep/);
  });
});
