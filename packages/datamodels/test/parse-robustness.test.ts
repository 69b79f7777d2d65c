import { describe, expect, it } from "vitest";
import { CcdaParseError, parseCcda } from "../src/ccda/parse-document.js";
import { renderClinicalSummaryCda } from "../src/ccda/render-document.js";
import { readFixtureText } from "./fixtures.js";

const fixtures = [
  "CCD.xml",
  "Referral_Note.xml",
  "Discharge_Summary.xml",
  "CCD Parent Document Replace (C-CDAR2.1).xml",
].map((name) => readFixtureText(`ccda/${name}`));

/** A fixed-seed generator, so a failure names a case that can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe("damaged but well-formed documents never crash the parser", () => {
  it("60 fixtures with elements and attributes removed at random parse (and re-render) or are refused with CcdaParseError", () => {
    const next = random(20261124);
    const crashes: string[] = [];
    for (let run = 0; run < 60; run++) {
      let xml = fixtures[run % fixtures.length]!;
      for (let cut = 0; cut < 6; cut++) {
        const pattern = next() < 0.5 ? /<[a-zA-Z][^<>]*\/>/g : / [a-zA-Z:]+="[^"]*"/g;
        const matches = [...xml.matchAll(pattern)];
        const victim = matches[Math.floor(next() * matches.length)];
        if (victim) xml = xml.slice(0, victim.index) + xml.slice(victim.index! + victim[0].length);
      }
      try {
        const { payload } = parseCcda(xml);
        renderClinicalSummaryCda(payload, { fallbackDocumentId: "x", custodianName: "Conduit" });
      } catch (error) {
        if (!(error instanceof CcdaParseError)) crashes.push(`run ${run}: ${(error as Error).message}`);
      }
    }
    expect(crashes).toEqual([]);
  });
});
