import { isValidNpi } from "@conduit/datamodels";

/** A valid NPI from nine digits: the tenth is the check digit that makes the Luhn sum come out. */
export function npiFrom(nineDigits: number | string): string {
  const base = String(nineDigits).padStart(9, "0").slice(-9);
  for (let digit = 0; digit < 10; digit++) if (isValidNpi(`${base}${digit}`)) return `${base}${digit}`;
  throw new Error("unreachable: one check digit always fits");
}

/** The same NPI with a wrong check digit. */
export function badNpi(nineDigits: number | string): string {
  const good = npiFrom(nineDigits);
  return `${good.slice(0, 9)}${(Number(good[9]) + 1) % 10}`;
}

export const NPPES_HEADER = [
  "NPI",
  "Endpoint Type",
  "Endpoint Type Description",
  "Endpoint",
  "Affiliation",
  "Endpoint Description",
  "Affiliation Legal Business Name",
  "Use Code",
  "Use Description",
  "Other Use Description",
  "Content Type",
  "Content Description",
  "Other Content Description",
  "Affiliation Address Line One",
  "Affiliation Address Line Two",
  "Affiliation Address City",
  "Affiliation Address State",
  "Affiliation Address Country",
  "Affiliation Address Postal Code",
];

export interface NppesRow {
  npi: string;
  type?: string;
  endpoint: string;
  organization?: string;
  city?: string;
}

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** An NPPES endpoint file (`endpoint_pfile`) as CMS publishes it: every field quoted, CRLF line ends. */
export function nppesFile(rows: NppesRow[]): string {
  const lines = [NPPES_HEADER.map(quote).join(",")];
  for (const row of rows) {
    const type = row.type ?? "DIRECT";
    lines.push(
      [
        row.npi,
        type,
        type === "DIRECT" ? "Direct Messaging Address" : "FHIR URL",
        row.endpoint,
        "Y",
        "",
        row.organization ?? "",
        "HIE",
        "Health Information Exchange (HIE)",
        "",
        "OTHER",
        "Other",
        "",
        "1 Main St",
        "",
        row.city ?? "SPRINGFIELD",
        "IL",
        "US",
        "627010000",
      ]
        .map(quote)
        .join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}

/** `count` Direct rows with distinct valid NPIs (starting at `from`), one provider group per 50. */
export function nppesRows(count: number, from = 100_000_000): NppesRow[] {
  return Array.from({ length: count }, (_, index) => ({
    npi: npiFrom(from + index),
    endpoint: `provider${from + index}@direct.group${Math.floor(index / 50)}.example`,
    organization: `Provider Group ${Math.floor(index / 50)}`,
  }));
}
