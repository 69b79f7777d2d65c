import { headerValue, parseEntity } from "../mime/entity.js";
import {
  afterType,
  field,
  fieldGroups,
  lenientParts,
  normaliseAddress,
  normaliseMessageId,
  partText,
  toPart,
  type Part,
  type ReportField,
} from "./fields.js";
import { FINAL_DESTINATION_DELIVERY, type ReceivedDisposition } from "./mdn.js";

/**
 * Reading MDNs (RFC 8098 / 3798, Direct IG for Delivery Notification v1.0) and DSNs (RFC 3464) received for messages
 * Conduit sent. Addresses come back lower case without angle brackets; message IDs in their `<id>` form.
 */

export interface ParsedMdn {
  kind: "mdn";
  /** Original-Message-ID of the report, else the MDN's In-Reply-To. Absent only in a badly broken MDN. */
  originalMessageId?: string;
  inReplyTo?: string;
  /** Final-Recipient of the report, else the MDN's From. Absent only in a badly broken MDN. */
  finalRecipient?: string;
  originalRecipient?: string;
  disposition: ReceivedDisposition;
  /** Disposition modifiers after the `/`, lower case (`error`, `warning`, ...). */
  modifiers?: string[];
  /** The Direct X-DIRECT-FINAL-DESTINATION-DELIVERY extension field was present (IG §3.3). */
  finalDelivery: boolean;
  reportingUa?: string;
  /** `Failure:`, `Error:` or `Warning:` field text. */
  failureText?: string;
  /** The human-readable first part. */
  text?: string;
  /** Who sent the MDN (its From) and its own Message-ID. */
  from?: string;
  messageId?: string;
}

export type DsnAction = "failed" | "delayed" | "delivered" | "relayed" | "expanded";

export interface DsnRecipient {
  finalRecipient: string;
  originalRecipient?: string;
  action: DsnAction;
  /** RFC 3463 enhanced status code, e.g. `5.1.1`. Absent if the report carried none. */
  status?: string;
  /** As written, type included: `smtp; 550 5.1.1 no such user`. */
  diagnosticCode?: string;
  /** Host name, the `dns;` type removed. */
  remoteMta?: string;
}

export interface ParsedDsn {
  kind: "dsn";
  /** X-Original-Message-ID header, an `…Original-Message-ID` field of the report, else the returned Message-ID. */
  originalMessageId?: string;
  inReplyTo?: string;
  originalEnvelopeId?: string;
  reportingMta?: string;
  recipients: DsnRecipient[];
  /** Header fields of the returned message (text/rfc822-headers or message/rfc822 part), names lower case. */
  returnedHeaders?: Record<string, string>;
  text?: string;
  from?: string;
  messageId?: string;
}

export type ParsedNotification = ParsedMdn | ParsedDsn;

const DISPOSITIONS: readonly ReceivedDisposition[] = [
  "processed",
  "dispatched",
  "failed",
  "denied",
  "error",
  "deleted",
  "displayed",
];
const ACTIONS: readonly DsnAction[] = ["failed", "delayed", "delivered", "relayed", "expanded"];

const MDN_TYPES = new Set(["message/disposition-notification", "message/global-disposition-notification"]);
const DSN_TYPES = new Set(["message/delivery-status", "message/global-delivery-status"]);
const HEADER_TYPES = new Set(["text/rfc822-headers", "message/rfc822", "message/global", "message/global-headers"]);

/** How deep a message/rfc822 wrapper or nested multipart is followed. */
const MAX_DEPTH = 4;

/**
 * Reads an MDN or DSN. Returns undefined for anything else, and for a report too broken to say what happened (an
 * MDN without a recognisable disposition). Never throws: a malformed notification gives what could be read.
 */
export function parseNotification(raw: Buffer): ParsedNotification | undefined {
  try {
    return parseAt(raw, 0);
  } catch {
    return undefined;
  }
}

/**
 * Whether a message is a delivery notification (and so must not be handed to a user as a clinical message): its
 * type says it is an MDN or DSN report, or it parses as one.
 */
export function isNotification(raw: Buffer): boolean {
  try {
    const top = toPart(raw);
    const reportType = top.params["report-type"]?.toLowerCase();
    if (
      top.mediaType === "multipart/report" &&
      (reportType === "disposition-notification" || reportType === "delivery-status")
    ) {
      return true;
    }
    return parseNotification(raw) !== undefined;
  } catch {
    return false;
  }
}

function parseAt(raw: Buffer, depth: number): ParsedNotification | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const top = toPart(raw);
  // An opened Direct message may still be wrapped as message/rfc822 (RFC 8551 §3.1).
  if (top.mediaType === "message/rfc822") return parseAt(top.entity.body, depth + 1);

  let parts: Part[];
  // Only multipart/report: a report part inside multipart/mixed is an attachment (a forwarded MDN), not a notification.
  if (top.mediaType === "multipart/report") {
    const boundary = top.params["boundary"];
    if (!boundary) return undefined;
    parts = lenientParts(top.entity.body, boundary).map(toPart);
  } else if (MDN_TYPES.has(top.mediaType) || DSN_TYPES.has(top.mediaType)) {
    parts = [top];
  } else {
    return undefined;
  }

  const reportType = top.params["report-type"]?.toLowerCase();
  const mdnPart = parts.find((p) => MDN_TYPES.has(p.mediaType));
  const dsnPart = parts.find((p) => DSN_TYPES.has(p.mediaType));

  const envelope = {
    from: normaliseAddress(headerValue(top.entity, "From")),
    messageId: normaliseMessageId(headerValue(top.entity, "Message-ID")),
    inReplyTo: normaliseMessageId(headerValue(top.entity, "In-Reply-To")),
    text: humanText(parts, depth),
  };

  if (mdnPart && (reportType !== "delivery-status" || !dsnPart)) return readMdn(mdnPart, envelope);
  if (dsnPart || reportType === "delivery-status") return readDsn(top, parts, dsnPart, envelope);
  return undefined;
}

interface Envelope {
  from: string | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  text: string | undefined;
}

function readMdn(report: Part, envelope: Envelope): ParsedMdn | undefined {
  const fields = fieldGroups(partText(report)).flat();
  const disposition = parseDisposition(field(fields, "Disposition"));
  if (!disposition) return undefined;
  return withoutUndefined({
    kind: "mdn",
    originalMessageId: normaliseMessageId(field(fields, "Original-Message-ID")) ?? envelope.inReplyTo,
    inReplyTo: envelope.inReplyTo,
    finalRecipient: normaliseAddress(field(fields, "Final-Recipient")) ?? envelope.from,
    originalRecipient: normaliseAddress(field(fields, "Original-Recipient")),
    disposition: disposition.type,
    modifiers: disposition.modifiers.length > 0 ? disposition.modifiers : undefined,
    finalDelivery: fields.some((f) => f.name.toUpperCase() === FINAL_DESTINATION_DELIVERY && !/^false$/i.test(f.value)),
    reportingUa: field(fields, "Reporting-UA"),
    failureText: field(fields, /^(failure|error|warning)$/i),
    text: envelope.text,
    from: envelope.from,
    messageId: envelope.messageId,
  } satisfies ParsedMdn) as ParsedMdn;
}

/**
 * RFC 8098 §3.2.6: `action-mode/sending-mode; disposition-type[/modifier[,modifier]]`. Lenient about white space,
 * case, and a missing mode part.
 */
function parseDisposition(value: string | undefined): { type: ReceivedDisposition; modifiers: string[] } | undefined {
  if (!value) return undefined;
  const semicolon = value.indexOf(";");
  const typePart = (semicolon >= 0 ? value.slice(semicolon + 1) : value).replace(/\([^)]*\)/g, "").trim();
  const [type = "", modifierText = ""] = typePart.split("/", 2).map((s) => s.trim().toLowerCase());
  if (!(DISPOSITIONS as readonly string[]).includes(type)) return undefined;
  const modifiers = modifierText
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "");
  return { type: type as ReceivedDisposition, modifiers };
}

function readDsn(top: Part, parts: Part[], report: Part | undefined, envelope: Envelope): ParsedDsn {
  const groups = report ? fieldGroups(partText(report)) : [];
  const perMessage = groups.filter((g) => !field(g, "Final-Recipient")).flat();
  const recipients = groups.map(readRecipient).filter((r): r is DsnRecipient => r !== undefined);
  const returned = readReturnedHeaders(parts);

  const originalMessageId =
    normaliseMessageId(headerValue(top.entity, "X-Original-Message-ID")) ??
    normaliseMessageId(field(perMessage, /^(x-([a-z0-9]+-)*)?original-message-id$/i)) ??
    normaliseMessageId(returned?.["message-id"]);

  return withoutUndefined({
    kind: "dsn",
    originalMessageId,
    inReplyTo: envelope.inReplyTo,
    originalEnvelopeId: field(perMessage, "Original-Envelope-ID"),
    reportingMta: afterType(field(perMessage, "Reporting-MTA")),
    recipients,
    returnedHeaders: returned,
    text: envelope.text,
    from: envelope.from,
    messageId: envelope.messageId,
  } satisfies ParsedDsn) as ParsedDsn;
}

function readRecipient(group: ReportField[]): DsnRecipient | undefined {
  const finalRecipient =
    normaliseAddress(field(group, "Final-Recipient")) ?? normaliseAddress(field(group, "Original-Recipient"));
  if (!finalRecipient) return undefined;
  const status = /\b([245])\.\d{1,3}\.\d{1,3}\b/.exec(field(group, "Status") ?? "")?.[0];
  const action = readAction(field(group, "Action"), status);
  if (!action) return undefined;
  return withoutUndefined({
    finalRecipient,
    originalRecipient: normaliseAddress(field(group, "Original-Recipient")),
    action,
    status,
    diagnosticCode: field(group, "Diagnostic-Code"),
    remoteMta: afterType(field(group, "Remote-MTA")),
  } satisfies DsnRecipient) as DsnRecipient;
}

/** RFC 3464 §2.3.3; when the action is missing or unknown, the status class (§2.3.4) says what happened. */
function readAction(value: string | undefined, status: string | undefined): DsnAction | undefined {
  const action = value
    ?.replace(/\([^)]*\)/g, "")
    .trim()
    .toLowerCase();
  if (action && (ACTIONS as readonly string[]).includes(action)) return action as DsnAction;
  if (status?.startsWith("5")) return "failed";
  if (status?.startsWith("4")) return "delayed";
  if (status?.startsWith("2")) return "delivered";
  return undefined;
}

function readReturnedHeaders(parts: Part[]): Record<string, string> | undefined {
  const part = parts.find((p) => HEADER_TYPES.has(p.mediaType));
  if (!part) return undefined;
  const entity = parseEntity(part.entity.body);
  const headers: Record<string, string> = {};
  for (const { name, value } of entity.headers) {
    const key = name.toLowerCase();
    if (!(key in headers)) headers[key] = value;
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/** The human-readable text: the first text/plain part, looking one level into multipart/alternative. */
function humanText(parts: Part[], depth: number): string | undefined {
  for (const part of parts) {
    if (part.mediaType === "text/plain") return partText(part).trim() || undefined;
    if (part.mediaType.startsWith("multipart/") && part.params["boundary"] && depth < MAX_DEPTH) {
      const inner = humanText(lenientParts(part.entity.body, part.params["boundary"]).map(toPart), depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Drops undefined members so results compare cleanly and serialise without noise (exactOptionalPropertyTypes). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
