/**
 * Redox dates (`2012-08-06T04:00:00.000Z`, `2012-08-06`, `20120806`) as HL7 V3 TS values (`20120806040000.000+0000`),
 * keeping the precision that was sent: a year stays a year, a date without a time gets no time, fractional seconds
 * and the time zone are kept.
 */
export function toHl7Time(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{4,14}(\.\d+)?([+-]\d{4})?$/.test(trimmed)) return trimmed;
  const match =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.exec(
      trimmed,
    );
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const digits = [year, month, day, hour, minute, second].filter((part) => part !== undefined).join("");
  const withFraction = second && fraction ? digits + fraction : digits;
  if (!hour || !zone) return withFraction;
  return withFraction + (zone === "Z" ? "+0000" : zone.replace(":", ""));
}

/**
 * An HL7 V3 TS value as the ISO 8601 form Redox uses, at the precision the document gave: `2012` stays `2012`,
 * `201208` becomes `2012-08`, `20120806` becomes `2012-08-06`, and a time keeps its seconds, fraction and zone
 * (`+0000` is written `Z`; no zone stays no zone: an unzoned local time is not UTC).
 */
export function fromHl7Time(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d+)?([+-]\d{2})?(\d{2})?$/.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zoneHours, zoneMinutes] = match;
  let out = year!;
  if (month) out += `-${month}`;
  if (day) out += `-${day}`;
  if (hour) out += `T${hour}:${minute ?? "00"}`;
  if (second) out += `:${second}${fraction ?? ""}`;
  if (hour && zoneHours) {
    const zone = `${zoneHours}:${zoneMinutes ?? "00"}`;
    out += zone === "+00:00" || zone === "-00:00" ? "Z" : zone;
  }
  return out;
}
