import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DirectSecurityError,
  envelopeContent,
  openMessage,
  sealMessage,
  signEntity,
  TrustAnchors,
} from "../src/index.js";
import { TestPki, type TestIdentity } from "./helpers/pki.js";

let alice: TestIdentity;
let bob: TestIdentity;
let trust: TrustAnchors;

beforeAll(async () => {
  const pki = new TestPki();
  const ca = await pki.ca("Property CA");
  [alice, bob] = await Promise.all([
    pki.issue("alice", ca, { emails: ["alice@a.example"] }),
    pki.issue("bob", ca, { emails: ["bob@b.example"] }),
  ]);
  trust = new TrustAnchors().add("*", [ca.certificate]);
});

/** Body lines that stress byte-exact MIME handling: boundaries look-alikes, blank lines, trailing spaces, 8-bit. */
const line = fc.oneof(
  fc.string({ maxLength: 120 }).map((s) => s.replace(/[\r\n]/g, "")),
  fc.constantFrom("", "--", "----=_Conduit_", "From: mallory@evil.example", ".", " trailing space ", "é ü ß"),
);

describe("seal then open gives back the original, byte for byte", () => {
  it("for arbitrary text bodies and subjects", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.boolean(), async (lines, endsWithNewline) => {
        const body = lines.join("\r\n") + (endsWithNewline ? "\r\n" : "");
        const original = Buffer.from(
          "From: alice@a.example\r\nTo: bob@b.example\r\nSubject: property\r\nMessage-ID: <p@a.example>\r\n" +
            "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
            body,
          "utf8",
        );
        const sealed = sealMessage(original, { signer: alice, recipients: [{ certificate: bob.certificate }] });
        const opened = await openMessage(sealed, {
          credentials: [bob],
          trust,
          envelope: { from: "alice@a.example", to: ["bob@b.example"] },
        });
        expect(opened.original.equals(original)).toBe(true);
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it("a damaged message is always refused with a typed DirectSecurityError, never a crash", async () => {
    const original = Buffer.from(
      "From: alice@a.example\r\nTo: bob@b.example\r\nSubject: x\r\nMessage-ID: <d@a.example>\r\n\r\nHello\r\n",
    );
    const sealed = sealMessage(original, { signer: alice, recipients: [{ certificate: bob.certificate }] });
    const der = Buffer.from(sealed.toString("latin1").split("\r\n\r\n")[1]!.replace(/\s/g, ""), "base64");
    const headers = sealed.toString("latin1").split("\r\n\r\n")[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: der.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        async (position, flip, truncate) => {
          const damaged = Buffer.from(der);
          damaged[position] = damaged[position]! ^ flip;
          const body = truncate ? damaged.subarray(0, position) : damaged;
          const message = Buffer.from(`${headers}\r\n\r\n${body.toString("base64")}\r\n`, "latin1");
          const outcome = await openMessage(message, {
            credentials: [bob],
            trust,
            envelope: { from: "alice@a.example", to: ["bob@b.example"] },
          }).then(
            (opened) => opened,
            (error: unknown) => error,
          );
          // Flipping a byte of an unused field can leave the message valid; anything else must be a typed refusal.
          if (!(outcome instanceof DirectSecurityError)) {
            expect(outcome).toHaveProperty("original");
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);

  it("a signed entity damaged before encryption is refused with a typed error, or opens unchanged", async () => {
    const original = Buffer.from(
      "From: alice@a.example\r\nTo: bob@b.example\r\nSubject: x\r\nMessage-ID: <s@a.example>\r\n\r\nHello\r\n",
    );
    const signed = signEntity(Buffer.concat([Buffer.from("Content-Type: message/rfc822\r\n\r\n"), original]), alice);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: signed.length - 1 }), fc.integer({ min: 1, max: 255 }), async (position, flip) => {
        const damaged = Buffer.from(signed);
        damaged[position] = damaged[position]! ^ flip;
        const der = envelopeContent(damaged, [{ certificate: bob.certificate }]);
        const message = Buffer.from(
          "From: alice@a.example\r\nTo: bob@b.example\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n" +
            `Content-Transfer-Encoding: base64\r\n\r\n${der.toString("base64")}\r\n`,
        );
        const outcome = await openMessage(message, {
          credentials: [bob],
          trust,
          envelope: { from: "alice@a.example", to: ["bob@b.example"] },
        }).then(
          (opened) => opened,
          (error: unknown) => error,
        );
        if (!(outcome instanceof DirectSecurityError)) {
          // Only bytes outside the signed content (preamble, signature part headers, unused ASN.1) may change.
          expect((outcome as { original: Buffer }).original.equals(original)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
