import { createHash } from "node:crypto";
import { readHeader, type HeaderSource } from "./fields.js";

/**
 * Message Disposition Notifications as Direct uses them: RFC 8098 (which obsoletes RFC 3798) and the "Implementation
 * Guide for Delivery Notification in Direct" v1.0 (2012), which adds `dispatched` after final delivery and the
 * X-DIRECT-FINAL-DESTINATION-DELIVERY option.
 */

/** The disposition types a Direct MDN carries (IG §2–3; `failed`, `denied` and `error` come from RFC 3798/2298). */
export type MdnDisposition = "processed" | "dispatched" | "failed" | "denied" | "error";

/** Every disposition type a received MDN may carry, including the MUA ones of RFC 8098 §3.2.6.2. */
export type ReceivedDisposition = MdnDisposition | "deleted" | "displayed";

export const FINAL_DESTINATION_DELIVERY = "X-DIRECT-FINAL-DESTINATION-DELIVERY";

export interface MdnInput {
  /** The recipient that processed the original message; the MDN comes from this address. */
  from: string;
  /** The original sender: its Disposition-Notification-To if it gave one, else its From. */
  to: string;
  /** Message-ID of the original message, `<id@domain>`. */
  originalMessageId: string;
  originalSubject?: string;
  /** The address the original message was delivered to (RFC 8098 §3.2.4). */
  finalRecipient: string;
  /** The original recipient as the sender wrote it, when it differs from the final recipient (§3.2.3). */
  originalRecipient?: string;
  disposition: MdnDisposition;
  /** Why a message `failed` or was `denied`, or what the `error` was; goes in the report as `Failure:` / `Error:`. */
  failureText?: string;
  /**
   * Direct IG §3.3: a `dispatched` MDN sent because the sender asked for timely and reliable messaging carries the
   * X-DIRECT-FINAL-DESTINATION-DELIVERY extension field. Ignored for other dispositions.
   */
  finalDelivery?: boolean;
  /** Message-ID of the MDN itself, `<id@domain>`. */
  messageId: string;
  date: Date;
  /** RFC 8098 §3.2.1 `Reporting-UA: ua-name; ua-product`; defaults to the sender's domain and "Conduit". */
  reportingUa?: string;
}

const SUBJECT_PREFIX: Record<MdnDisposition, string> = {
  processed: "Processed",
  dispatched: "Dispatched",
  failed: "Failed",
  denied: "Denied",
  error: "Error",
};

const HUMAN_TEXT: Record<MdnDisposition, string> = {
  processed: "Your message was successfully processed by the recipient's security agent.",
  dispatched: "Your message was delivered to the recipient.",
  failed: "Your message could not be delivered to the recipient.",
  denied: "The recipient refused your message.",
  error: "An error occurred while the recipient processed your message.",
};

/**
 * Builds the unsigned, unencrypted MDN (RFC 8098 §3, `multipart/report; report-type=disposition-notification`).
 * Like any Direct message it must then be signed and encrypted for the original sender (IG §2.2).
 */
export function buildMdn(input: MdnInput): Buffer {
  const boundary = `=_mdn_${createHash("sha256").update(`${input.messageId}|${input.date.toISOString()}`).digest("hex").slice(0, 24)}`;
  const originalId = asciiLine(input.originalMessageId);
  const from = asciiLine(input.from);
  const domain = from.split("@")[1] ?? "localhost";
  const subjectText = `${SUBJECT_PREFIX[input.disposition]}: ${oneLine(input.originalSubject ?? "")}`.trimEnd();

  const report: string[] = [`Reporting-UA: ${asciiLine(input.reportingUa ?? `${domain}; Conduit`)}`];
  if (input.originalRecipient) report.push(`Original-Recipient: rfc822; ${asciiLine(input.originalRecipient)}`);
  report.push(`Final-Recipient: rfc822; ${asciiLine(input.finalRecipient)}`);
  report.push(`Original-Message-ID: ${originalId}`);
  report.push(`Disposition: automatic-action/MDN-sent-automatically; ${input.disposition}`);
  if (input.disposition === "dispatched" && input.finalDelivery) report.push(`${FINAL_DESTINATION_DELIVERY}:`);
  if (input.failureText) {
    // The message/disposition-notification body is US-ASCII (RFC 8098 §3.1); the human part keeps the full text.
    report.push(`${input.disposition === "failed" ? "Failure" : "Error"}: ${asciiLine(input.failureText)}`);
  }

  let human = HUMAN_TEXT[input.disposition];
  if (input.failureText) human += `\r\n\r\n${oneLine(input.failureText)}`;

  const lines = [
    `From: ${from}`,
    `To: ${asciiLine(input.to)}`,
    `Subject: ${encodeHeaderText(subjectText)}`,
    `Date: ${rfc5322Date(input.date)}`,
    `Message-ID: ${asciiLine(input.messageId)}`,
    `In-Reply-To: ${originalId}`,
    `References: ${originalId}`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=disposition-notification;\r\n boundary="${boundary}"`,
    "",
    `--${boundary}`,
    ...humanPart(human),
    `--${boundary}`,
    "Content-Type: message/disposition-notification",
    "Content-Transfer-Encoding: 7bit",
    "",
    ...report,
    "",
    `--${boundary}--`,
    "",
  ];
  return Buffer.from(lines.join("\r\n"), "latin1");
}

/**
 * Whether the sender asked for a `dispatched` MDN after final delivery (Direct IG §3.3, timely and reliable
 * messaging): `Disposition-Notification-Options: X-DIRECT-FINAL-DESTINATION-DELIVERY=optional,true`. RFC 8098 §2.2
 * syntax is `name=importance,value[,value]`, several parameters separated by `;`; `required` counts too.
 */
export function requestsFinalDelivery(headers: HeaderSource): boolean {
  const value = readHeader(headers, "Disposition-Notification-Options");
  if (!value) return false;
  for (const parameter of value.split(";")) {
    const eq = parameter.indexOf("=");
    if (eq < 0) continue;
    if (parameter.slice(0, eq).trim().toUpperCase() !== FINAL_DESTINATION_DELIVERY) continue;
    const [importance, ...values] = parameter
      .slice(eq + 1)
      .split(",")
      .map((v) => v.trim().toLowerCase());
    if ((importance === "optional" || importance === "required") && values.includes("true")) return true;
  }
  return false;
}

/** Where an MDN for a message goes (RFC 8098 §2.1): its Disposition-Notification-To, else its From. */
export function mdnReturnAddress(headers: HeaderSource): string | undefined {
  return readHeader(headers, "Disposition-Notification-To") ?? readHeader(headers, "From");
}

function humanPart(text: string): string[] {
  if (/^[\x20-\x7e\r\n]*$/.test(text)) {
    return ["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit", "", text, ""];
  }
  const encoded =
    Buffer.from(text, "utf8")
      .toString("base64")
      .match(/.{1,76}/g) ?? [];
  return ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", ...encoded, ""];
}

/** Header values are written on one line; CR and LF in input would let a caller inject header fields. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

/** Addresses, IDs and report fields are US-ASCII (RFC 8098 §3.1); anything else becomes `?` rather than mojibake. */
function asciiLine(value: string): string {
  return oneLine(value).replace(/[^\x20-\x7e]/g, "?");
}

/** RFC 2047 encoded-words for non-ASCII text, split so no line grows past 76 characters. */
function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = "";
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, "utf8") > 42) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, "utf8").toString("base64")}?=`).join("\r\n ");
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 5322 §3.3 date-time in UTC, with a numeric zone (`GMT` is obsolete syntax). */
function rfc5322Date(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
