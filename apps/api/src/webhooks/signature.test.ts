import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "./signature.js";

describe("webhook signatures", () => {
  const body = JSON.stringify({ Meta: { DataModel: "Clinical Summary" } });
  const at = new Date("2026-11-24T12:00:00Z");

  it("verifies what it signed, with the timestamp inside the signature", () => {
    const header = signWebhookBody(body, "s3cret", at);
    expect(header).toMatch(new RegExp(`^t=${at.getTime() / 1000},v1=[0-9a-f]{64}$`));
    expect(verifyWebhookSignature(body, header, "s3cret", 300, at)).toBe(true);
  });

  it("refuses another body, another secret, a changed timestamp and an old signature", () => {
    const header = signWebhookBody(body, "s3cret", at);
    expect(verifyWebhookSignature(body + " ", header, "s3cret", 300, at)).toBe(false);
    expect(verifyWebhookSignature(body, header, "other", 300, at)).toBe(false);
    expect(
      verifyWebhookSignature(
        body,
        header.replace(`t=${at.getTime() / 1000}`, `t=${at.getTime() / 1000 + 1}`),
        "s3cret",
        300,
        at,
      ),
    ).toBe(false);
    expect(verifyWebhookSignature(body, header, "s3cret", 300, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifyWebhookSignature(body, "garbage", "s3cret", 300, at)).toBe(false);
  });
});
