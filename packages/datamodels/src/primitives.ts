import { z } from "zod";

/**
 * Redox marks nearly every leaf nullable and real senders omit or null fields freely; a mirror must accept both.
 */
export const nullish = <T extends z.ZodType>(schema: T) => schema.nullish();

export const text = z.string();
export const optionalText = z.string().nullish();
export const optionalBoolean = z.boolean().nullish();

/**
 * Redox types quantities as numbers but its own samples send them as strings (`"Quantity": "50"`); both are kept as
 * sent, a string only when it is a decimal number.
 */
export const looseNumber = z.union([
  z.number(),
  z.string().regex(/^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/, "expected a number"),
]);
export const optionalNumber = looseNumber.nullish();

/**
 * The three date forms Redox itself sends: ISO 8601 timestamps (`2012-08-06T04:00:00.000Z`), calendar dates
 * (`2012-08-06`) and HL7-style dates (`20120806`, optionally with time). Partial dates (`2012`, `2012-08`) too.
 */
const isoDateTime = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;
const hl7DateTime = /^\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2}(\.\d+)?)?)?)?)?)?([+-]\d{4})?$/;

/** True when the digits name a real calendar date and clock time (no month 13, no 30 February, no hour 25). */
function isRealDate(value: string): boolean {
  const digits = value.replace(/[-T:]/g, "").replace(/[.Z+].*$/, "");
  const [year, month, day, hour, minute, second] = [0, 4, 6, 8, 10, 12].map((at, index) =>
    Number(digits.slice(at, at + (index === 0 ? 4 : 2)) || "NaN"),
  ) as [number, number, number, number, number, number];
  if (!Number.isNaN(month) && (month < 1 || month > 12)) return false;
  if (!Number.isNaN(day)) {
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > daysInMonth) return false;
  }
  if (!Number.isNaN(hour) && hour > 23) return false;
  if (!Number.isNaN(minute) && minute > 59) return false;
  if (!Number.isNaN(second) && second > 60) return false;
  return true;
}

export function isRedoxDateTime(value: string): boolean {
  return (isoDateTime.test(value) || hl7DateTime.test(value)) && isRealDate(value);
}

export const redoxDateTime = z.string().refine(isRedoxDateTime, {
  message: "expected a date such as 2012-08-06T04:00:00.000Z, 2012-08-06 or 20120806",
});
export const optionalDateTime = redoxDateTime.nullish();

/**
 * An RFC 5321 mailbox (dot-atom local part or quoted string, then a domain name). Direct addresses are delivered by
 * SMTP, so anything a mail server would refuse is refused here, before it can fail hours later at a HISP.
 */
const atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const dotAtom = `${atext}+(?:\\.${atext}+)*`;
const quotedString = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
const label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const mailbox = new RegExp(`^(?:${dotAtom}|${quotedString})@${label}(?:\\.${label})+$`);

export function isDirectAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf("@");
  // RFC 5321 4.5.3.1.1: the local part is at most 64 octets (plus the quotes of a quoted string).
  if (at < 1 || at > 64 + 2) return false;
  return mailbox.test(value);
}

export const directAddress = z.string().trim().refine(isDirectAddress, {
  message: "expected a Direct address (an RFC 5321 mailbox such as jane@direct.example.org)",
});

/**
 * NPI check digit (Luhn over `80840` + the first nine digits, per CMS's NPI standard). Redox's own samples carry NPIs
 * that fail it (`4356789876`), so schemas accept them; callers may use this to warn.
 */
export function isValidNpi(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const digits = `80840${value}`.split("").map(Number);
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits[digits.length - 1 - index]!;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
