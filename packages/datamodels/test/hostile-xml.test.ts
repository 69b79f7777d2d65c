import { describe, expect, it } from "vitest";
import { CcdaParseError, parseCcda } from "../src/ccda/parse-document.js";

/** Each must be refused quickly and with an error that says why, never parsed or expanded. */
describe("hostile XML is refused", () => {
  const refusedWithin = (xml: string, pattern: RegExp, milliseconds = 2000) => {
    const started = performance.now();
    expect(() => parseCcda(xml)).toThrow(pattern);
    expect(() => parseCcda(xml)).toThrow(CcdaParseError);
    expect(performance.now() - started).toBeLessThan(milliseconds);
  };

  it("billion laughs (nested entity expansion)", () => {
    const entities = Array.from({ length: 10 }, (_, level) =>
      level === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`,
    ).join("\n");
    refusedWithin(
      `<?xml version="1.0"?>\n<!DOCTYPE ClinicalDocument [\n${entities}\n]>\n<ClinicalDocument>&lol9;</ClinicalDocument>`,
      /DTD or entity declaration/,
    );
  });

  it("external entities (XXE)", () => {
    refusedWithin(
      '<?xml version="1.0"?><!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ClinicalDocument>&xxe;</ClinicalDocument>',
      /DTD or entity declaration/,
    );
  });

  it("an undeclared entity reference is left as text, never resolved", () => {
    const xml = '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>a &xxe; b</title></ClinicalDocument>';
    const { payload } = parseCcda(xml);
    expect(payload.Header.Document?.Title).toBe("a &xxe; b");
  });

  it("50 MB of nesting", () => {
    const depth = (50 * 1024 * 1024) / 7;
    const xml = "<a>".repeat(Math.floor(depth / 2)) + "</a>".repeat(Math.floor(depth / 2));
    refusedWithin(xml, /limit is/);
  });

  it("deep nesting under the size limit", () => {
    const xml = `<ClinicalDocument>${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}</ClinicalDocument>`;
    refusedWithin(xml, /nests elements deeper than 256 levels/);
  });
});
