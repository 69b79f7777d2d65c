import { z } from "zod";

/**
 * Redox marks nearly every leaf nullable and real senders omit or null fields freely; a mirror must accept both.
 */
export const nullish = <T extends z.ZodType>(schema: T) => schema.nullish();

export const text = z.string();
export const optionalText = z.string().nullish();

/**
 * The three date forms Redox itself sends: ISO 8601 timestamps (`2012-08-06T04:00:00.000Z`), calendar dates
 * (`2012-08-06`) and HL7-style dates (`20120806`, optionally with time). Partial dates (`2012`, `2012-08`) too.
 */
const isoDateTime = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;
const hl7DateTime = /^\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2}(\.\d+)?)?)?)?)?)?([+-]\d{4})?$/;

export const redoxDateTime = z.string().refine((value) => isoDateTime.test(value) || hl7DateTime.test(value), {
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
  if (at < 1 || at > 64 + 2) return false;
  return mailbox.test(value);
}

export const directAddress = z
  .string()
  .trim()
  .refine(isDirectAddress, { message: "expected a Direct address (an RFC 5321 mailbox such as jane@direct.example.org)" });
