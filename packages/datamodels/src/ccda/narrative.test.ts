import { describe, expect, it } from "vitest";
import { narrativeMarkup, senderNarrative } from "./narrative.js";
import { readXml } from "./xml-reader.js";
import { el, serializeXml } from "./xml-writer.js";

const render = (markup: string, prefix = "S.") =>
  serializeXml(el("text", {}, senderNarrative(markup, prefix)), { pretty: false })
    .replace(/^<\?xml[^>]*>/, "")
    .trim();

describe("sender narrative becomes valid CDA narrative", () => {
  it("keeps CDA narrative markup, prefixing IDs so two sections cannot clash", () => {
    expect(render('<list><item ID="p1">Asthma</item></list>')).toBe(
      '<text><list><item ID="S.p1">Asthma</item></list></text>',
    );
  });

  it("translates HTML into its narrative equivalents", () => {
    expect(render("<p>Take <b>two</b><br/>daily</p><ul><li>one</li></ul>")).toBe(
      '<text><paragraph>Take <content styleCode="Bold">two</content><br/>daily</paragraph><list><item>one</item></list></text>',
    );
  });

  it("unwraps what the narrative schema does not allow where it stands", () => {
    expect(render('<paragraph><table><tr><td>x</td></tr></table></paragraph><font color="red">y</font>')).toBe(
      "<text><paragraph>x\n</paragraph>y</text>",
    );
  });

  it("gives a table without tbody one, and drops attributes the schema would refuse", () => {
    expect(render('<table align="middle" width="100%"><tr><td colspan="x">a</td></tr></table>')).toBe(
      '<text><table width="100%"><tbody><tr><td>a</td></tr></tbody></table></text>',
    );
  });

  it("falls back to plain text when the markup is not XML", () => {
    expect(render("<p>unclosed & broken")).toBe("<text><paragraph>unclosed &amp; broken</paragraph></text>");
  });

  it("reads narrative back without the generated tables and with the sender's IDs", () => {
    const text = readXml(
      '<text><table ID="cdt-x-1-table"><tbody><tr><td>gen</td></tr></tbody></table><list><item ID="S.p1">Asthma</item></list></text>',
    );
    expect(narrativeMarkup(text, "S.")).toBe('<list><item ID="p1">Asthma</item></list>');
  });
});
