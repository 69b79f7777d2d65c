import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "./secret-box.js";

describe("SecretBox", () => {
  const box = new SecretBox(randomBytes(32));

  it("opens what it sealed, and never stores the plaintext", () => {
    const sealed = box.seal("hunter2-webhook-secret");
    expect(sealed).not.toContain("hunter2");
    expect(box.open(sealed)).toBe("hunter2-webhook-secret");
    expect(box.seal("same")).not.toBe(box.seal("same"));
  });

  it("refuses a tampered value and another key's value", () => {
    const sealed = box.seal("secret");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("other").toString("base64url");
    expect(() => box.open(parts.join("."))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });
});
