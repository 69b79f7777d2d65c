import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEntity } from "../src/mime/entity.js";
import {
  buildMdn,
  mdnReturnAddress,
  requestsFinalDelivery,
  type MdnDisposition,
  type MdnInput,
} from "../src/notifications/mdn.js";
import { isNotification, parseNotification } from "../src/notifications/parse-notification.js";

const fixtures = fileURLToPath(new URL("../../../../shared/fixtures/direct/", import.meta.url));
const mdnFixture = readFileSync(`${fixtures}MDNMessage.txt`);
const dsnFixture = readFileSync(`${fixtures}DSNMessage.txt`);

describe("notifications from the Direct reference implementation", () => {
  it("reads MDNMessage.txt as a processed MDN for the IETF message", () => {
    expect(parseNotification(mdnFixture)).toEqual({
      kind: "mdn",
      originalMessageId: "<9501051053.aa04167@IETF.CNR I.Reston.VA.US>",
      finalRecipient: "externuser1@starugh-stateline.com",
      disposition: "processed",
      finalDelivery: false,
      reportingUa: "starugh-stateline.com;NHIN Direct Security Agent",
      text: "This is a CDATA subject",
      from: "externuser1@starugh-stateline.com",
      messageId: "<0c796d0e-4c76-43e8-be40-2cd5e30c1005>",
    });
    expect(isNotification(mdnFixture)).toBe(true);
  });

  it("reads DSNMessage.txt as a failed delivery to Carol", () => {
    const dsn = parseNotification(dsnFixture);
    expect(dsn).toMatchObject({
      kind: "dsn",
      originalMessageId: "<9501051053.aa04167@IETF.CNR I.Reston.VA.US>",
      originalEnvelopeId: "QQ314159",
      reportingMta: "Example.ORG",
      recipients: [
        {
          finalRecipient: "carol@ivory.edu",
          originalRecipient: "carol@ivory.edu",
          action: "failed",
          status: "5.0.0",
          diagnosticCode: "smtp; 550 error - no such recipient",
        },
      ],
      from: "externuser1@starugh-stateline.com",
      messageId: "<0c796d0e-4c76-43e8-be40-2cd5e30c1006>",
    });
    expect(dsn?.kind === "dsn" && dsn.text).toContain("could not be delivered to");
    expect(isNotification(dsnFixture)).toBe(true);
  });
});

const base: MdnInput = {
  from: "Dr.Bob@Direct.Clinic.example",
  to: "alice@hisp.conduit.example",
  originalMessageId: "<orig-123@hisp.conduit.example>",
  originalSubject: "Referral for Jane Doe",
  finalRecipient: "Dr.Bob@Direct.Clinic.example",
  disposition: "processed",
  messageId: "<mdn-456@direct.clinic.example>",
  date: new Date("2026-11-24T10:00:00Z"),
};

describe("buildMdn", () => {
  it.each<MdnDisposition>(["processed", "dispatched", "failed", "denied", "error"])(
    "a %s MDN reads back as sent",
    (disposition) => {
      const raw = buildMdn({ ...base, disposition, failureText: disposition === "failed" ? "no mailbox" : undefined });
      const mdn = parseNotification(raw);
      expect(mdn).toMatchObject({
        kind: "mdn",
        originalMessageId: "<orig-123@hisp.conduit.example>",
        inReplyTo: "<orig-123@hisp.conduit.example>",
        finalRecipient: "dr.bob@direct.clinic.example",
        disposition,
        finalDelivery: false,
        reportingUa: "Direct.Clinic.example; Conduit",
        from: "dr.bob@direct.clinic.example",
        messageId: "<mdn-456@direct.clinic.example>",
      });
      if (disposition === "failed") expect(mdn).toMatchObject({ failureText: "no mailbox" });
    },
  );

  it("writes the RFC 8098 headers and report fields", () => {
    const text = buildMdn({ ...base, originalRecipient: "bob@clinic.example" }).toString("latin1");
    const entity = parseEntity(Buffer.from(text, "latin1"));
    const header = (name: string) => entity.headers.find((h) => h.name === name)?.value;
    expect(header("From")).toBe("Dr.Bob@Direct.Clinic.example");
    expect(header("To")).toBe("alice@hisp.conduit.example");
    expect(header("Subject")).toBe("Processed: Referral for Jane Doe");
    expect(header("Date")).toBe("Tue, 24 Nov 2026 10:00:00 +0000");
    expect(header("In-Reply-To")).toBe("<orig-123@hisp.conduit.example>");
    expect(header("References")).toBe("<orig-123@hisp.conduit.example>");
    expect(header("Content-Type")).toMatch(/^multipart\/report; report-type=disposition-notification;/);
    expect(text).toContain("\r\nContent-Type: message/disposition-notification\r\n");
    expect(text).toContain("\r\nOriginal-Recipient: rfc822; bob@clinic.example\r\n");
    expect(text).toContain("\r\nFinal-Recipient: rfc822; Dr.Bob@Direct.Clinic.example\r\n");
    expect(text).toContain("\r\nOriginal-Message-ID: <orig-123@hisp.conduit.example>\r\n");
    expect(text).toContain("\r\nDisposition: automatic-action/MDN-sent-automatically; processed\r\n");
    expect(text).not.toContain("X-DIRECT-FINAL-DESTINATION-DELIVERY");
    expect(text).not.toMatch(/[^\r]\n/);
  });

  it("marks a dispatched MDN sent for final delivery with the Direct extension field", () => {
    const raw = buildMdn({ ...base, disposition: "dispatched", finalDelivery: true });
    expect(raw.toString("latin1")).toContain("\r\nX-DIRECT-FINAL-DESTINATION-DELIVERY:");
    expect(parseNotification(raw)).toMatchObject({ disposition: "dispatched", finalDelivery: true });
  });

  it("keeps caller text from injecting header fields, and encodes a non-ASCII subject", () => {
    const raw = buildMdn({
      ...base,
      originalSubject: "Überweisung\r\nBcc: evil@example.org",
      to: "a@b.example\r\nX: y",
    });
    const entity = parseEntity(raw);
    expect(entity.headers.map((h) => h.name)).not.toContain("Bcc");
    expect(entity.headers.map((h) => h.name)).not.toContain("X");
    expect(entity.headers.find((h) => h.name === "Subject")?.value).toMatch(/^=\?UTF-8\?B\?/);
    expect(raw.every((byte) => byte < 0x80)).toBe(true);
  });
});

describe("reading notifications leniently", () => {
  it("accepts lower-case fields, folded lines, rfc822;addr without a space, and a missing close delimiter", () => {
    const raw = Buffer.from(
      [
        "from: <Bob@Clinic.example>",
        "content-type: Multipart/Report;",
        "\treport-type=Disposition-Notification; boundary=xyz",
        "in-reply-to: <orig@hisp.example>",
        "",
        "--xyz",
        "content-type: message/disposition-notification",
        "",
        "final-recipient: RFC822;<Bob@Clinic.example>",
        "disposition: automatic-action/MDN-sent-automatically;",
        "  Processed/Error,Warning",
        "",
      ].join("\n"),
    );
    expect(parseNotification(raw)).toMatchObject({
      kind: "mdn",
      originalMessageId: "<orig@hisp.example>",
      finalRecipient: "bob@clinic.example",
      disposition: "processed",
      modifiers: ["error", "warning"],
    });
  });

  it("takes the original message id of a DSN from its X-Original-Message-ID header or from the returned headers", () => {
    const dsn = (extraHeader: string) =>
      Buffer.from(
        [
          "From: MAILER-DAEMON@hisp.example",
          ...(extraHeader ? [extraHeader] : []),
          'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
          "",
          "--b",
          "Content-Type: message/delivery-status",
          "",
          "Reporting-MTA: dns; mx.hisp.example",
          "",
          "Final-Recipient: rfc822; <Bob@Clinic.example>",
          "Action: Failed (permanent)",
          "Status: 5.1.1 (no such user)",
          "Remote-MTA: dns; mx.clinic.example",
          "",
          "--b",
          "Content-Type: text/rfc822-headers",
          "",
          "Message-ID: <returned@hisp.example>",
          "Subject: Referral",
          "",
          "--b--",
          "",
        ].join("\r\n"),
      );
    expect(parseNotification(dsn("X-Original-Message-ID: <header@hisp.example>"))).toMatchObject({
      originalMessageId: "<header@hisp.example>",
    });
    expect(parseNotification(dsn(""))).toMatchObject({
      kind: "dsn",
      originalMessageId: "<returned@hisp.example>",
      reportingMta: "mx.hisp.example",
      recipients: [
        { finalRecipient: "bob@clinic.example", action: "failed", status: "5.1.1", remoteMta: "mx.clinic.example" },
      ],
      returnedHeaders: { "message-id": "<returned@hisp.example>", subject: "Referral" },
    });
  });

  it("returns undefined for an ordinary message and for garbage", () => {
    const plain = Buffer.from("From: a@b.example\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
    expect(parseNotification(plain)).toBeUndefined();
    expect(isNotification(plain)).toBe(false);
    expect(parseNotification(Buffer.alloc(0))).toBeUndefined();
    expect(parseNotification(Buffer.from([0xff, 0x00, 0x0d]))).toBeUndefined();
  });

  it("does not take a clinical message that carries a forwarded MDN for a notification", () => {
    const raw = Buffer.from(
      [
        "From: a@b.example",
        'Content-Type: multipart/mixed; boundary="m"',
        "",
        "--m",
        "Content-Type: text/plain",
        "",
        "See the notification below.",
        "--m",
        "Content-Type: message/disposition-notification",
        "",
        "Final-Recipient: rfc822; bob@clinic.example",
        "Disposition: automatic-action/MDN-sent-automatically; processed",
        "--m--",
        "",
      ].join("\r\n"),
    );
    expect(parseNotification(raw)).toBeUndefined();
    expect(isNotification(raw)).toBe(false);
  });

  it("still calls a report a notification when its disposition cannot be read", () => {
    const raw = Buffer.from(
      "Content-Type: multipart/report; report-type=disposition-notification; boundary=q\r\n\r\n--q\r\n\r\nhi\r\n--q--\r\n",
    );
    expect(parseNotification(raw)).toBeUndefined();
    expect(isNotification(raw)).toBe(true);
  });

  it("never throws on random bytes or mutated fixtures", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        parseNotification(Buffer.from(bytes));
        isNotification(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
    const mutate = (source: Buffer) =>
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "cut", "dup")), {
          minLength: 1,
          maxLength: 20,
        }),
        (edits) => {
          let buffer = Buffer.from(source);
          for (const [position, byte, op] of edits) {
            const at = position % Math.max(buffer.length, 1);
            if (op === "set") buffer[at] = byte;
            else if (op === "cut")
              buffer = Buffer.concat([buffer.subarray(0, at), buffer.subarray(at + 1 + (byte % 40))]);
            else
              buffer = Buffer.concat([buffer.subarray(0, at), buffer.subarray(at - (byte % 40)), buffer.subarray(at)]);
          }
          parseNotification(buffer);
          isNotification(buffer);
        },
      );
    fc.assert(mutate(mdnFixture), { numRuns: 300 });
    fc.assert(mutate(dsnFixture), { numRuns: 300 });
  });
});

describe("final-delivery requests", () => {
  it("reads the Direct option from entity headers, records and maps", () => {
    const option = "X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,true";
    expect(requestsFinalDelivery([{ name: "Disposition-Notification-Options", value: option }])).toBe(true);
    expect(requestsFinalDelivery({ "disposition-notification-options": option.toLowerCase() })).toBe(true);
    expect(requestsFinalDelivery(new Map([["disposition-notification-options", option]]))).toBe(true);
    expect(
      requestsFinalDelivery({ "Disposition-Notification-Options": `signed-receipt=optional,pkcs7; ${option}` }),
    ).toBe(true);
  });

  it("is false when the option is missing, false, or malformed", () => {
    expect(requestsFinalDelivery({})).toBe(false);
    expect(
      requestsFinalDelivery({
        "Disposition-Notification-Options": "X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,false",
      }),
    ).toBe(false);
    expect(requestsFinalDelivery({ "Disposition-Notification-Options": "X-DIRECT-FINAL-DESTINATION-DELIVERY" })).toBe(
      false,
    );
  });

  it("sends the MDN to Disposition-Notification-To, else From", () => {
    expect(mdnReturnAddress({ From: "a@x.example", "Disposition-Notification-To": "b@x.example" })).toBe("b@x.example");
    expect(mdnReturnAddress({ From: "a@x.example" })).toBe("a@x.example");
  });
});
