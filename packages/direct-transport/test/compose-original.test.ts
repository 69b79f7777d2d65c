import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { composeOriginalMessage } from "../src/index.js";
import { decodeBody, headerValue, parseContentType, parseEntity, splitMultipart } from "../src/mime/entity.js";

describe("composeOriginalMessage", () => {
  it("carries each attachment's bytes as base64 under its own name, beside the text", async () => {
    const pdf = randomBytes(200_001);
    const xml = Buffer.from('<?xml version="1.0"?><ClinicalDocument/>\n');
    const raw = await composeOriginalMessage({
      from: "alice@a.example",
      to: ["bob@b.example"],
      subject: "Résumé de sortie",
      messageId: "<m1@a.example>",
      date: new Date("2026-11-25T00:00:00Z"),
      text: "See attached.",
      attachments: [
        { filename: "ccda.xml", contentType: "application/xml", content: xml },
        { filename: "Résumé de sortie (copie).pdf", contentType: "application/pdf", content: pdf },
      ],
      requestFinalDeliveryNotification: true,
    });
    expect(raw.includes("conduit-attachment-")).toBe(false);
    expect(raw.toString("latin1")).toMatch(
      /(^|\r\n)Disposition-Notification-Options: X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,true\r\n/,
    );
    const message = parseEntity(raw);
    const { params } = parseContentType(headerValue(message, "Content-Type"));
    const parts = splitMultipart(message.body, params.boundary!).map((part) => parseEntity(part));
    expect(parts).toHaveLength(3);
    expect(decodeBody(parts[0]!).toString()).toBe("See attached.");
    expect(headerValue(parts[1]!, "Content-Transfer-Encoding")).toBe("base64");
    expect(headerValue(parts[1]!, "Content-Disposition")).toBe("attachment; filename=ccda.xml");
    expect(decodeBody(parts[1]!).equals(xml)).toBe(true);
    expect(headerValue(parts[2]!, "Content-Transfer-Encoding")).toBe("base64");
    // A non-ASCII name is encoded (RFC 2231 in the disposition), never sent raw.
    expect(headerValue(parts[2]!, "Content-Disposition")).toMatch(/filename\*0\*=utf-8''R%C3%A9sum%C3%A9/);
    expect(decodeBody(parts[2]!).equals(pdf)).toBe(true);
    // Base64 folded at 76 (RFC 2045 §6.8); every line within RFC 5322's hard limit.
    for (const part of parts.slice(1)) {
      expect(
        part.body
          .toString("latin1")
          .split("\r\n")
          .every((line) => line.length <= 76),
      ).toBe(true);
    }
    expect(
      raw
        .toString("latin1")
        .split("\r\n")
        .every((line) => line.length <= 998),
    ).toBe(true);
  });
});
