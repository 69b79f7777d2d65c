/**
 * Redox dates (`2012-08-06T04:00:00.000Z`, `2012-08-06`, `20120806`) as HL7 V3 TS values (`20120806040000+0000`),
 * keeping the precision that was sent.
 */
export function toHl7Time(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4,14}([+-]\d{4})?$/.test(value)) return value;
  const match =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2}))?)?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.exec(
      value,
    );
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, zone] = match;
  const digits = [year, month, day, hour, minute, second].filter((part) => part !== undefined).join("");
  if (!hour || !zone) return digits;
  return digits + (zone === "Z" ? "+0000" : zone.replace(":", ""));
}
