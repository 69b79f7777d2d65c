import { parse as parseCsv } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import { isDirectAddress, isValidNpi } from "@conduit/datamodels";
import { ApiError } from "../http/api-error.js";

/** One provider's Direct address, read from a row of an imported list. */
export interface DirectoryRow {
  /** The row's number as a spreadsheet shows it (the header is row 1). */
  row: number;
  npi: string;
  directAddress: string;
  name: string | null;
  organizationName: string | null;
  details: Record<string, string>;
}

export interface RowError {
  row: number;
  field: string;
  message: string;
}

export interface ParsedDirectory {
  rows: DirectoryRow[];
  errors: RowError[];
  /** Rows that are not Direct endpoints (NPPES lists FHIR, REST... endpoints too). */
  skipped: number;
}

/** Which column holds what, by header name (case and surrounding spaces ignored). */
export interface ColumnMapping {
  npi: string;
  directAddress: string;
  name?: string;
  organizationName?: string;
}

/**
 * The NPPES endpoint file (`endpoint_pfile_*.csv` of the NPPES data dissemination): one row per endpoint, `Endpoint
 * Type` `DIRECT` for Direct addresses. It carries no provider name; the affiliation's legal business name is kept.
 */
export const NPPES_MAPPING: ColumnMapping & { endpointType: string } = {
  npi: "NPI",
  directAddress: "Endpoint",
  organizationName: "Affiliation Legal Business Name",
  endpointType: "Endpoint Type",
};

type Table = { header: string[]; rows: string[][] };

function csvTable(text: string): Table {
  let records: string[][];
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ""), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (error) {
    throw ApiError.badRequest(`data: not a readable CSV file (${(error as Error).message})`);
  }
  const [header, ...rows] = records;
  if (!header) throw ApiError.badRequest("data: the file is empty");
  return { header, rows };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    if ("text" in value && typeof value.text === "string") return value.text.trim(); // hyperlink
    if ("richText" in value)
      return value.richText
        .map((part) => part.text)
        .join("")
        .trim();
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue); // formula
  }
  return "";
}

async function xlsxTable(data: Buffer): Promise<Table> {
  // Loaded on first use: exceljs takes about a second to import, which every start-up would otherwise pay.
  const { default: excel } = await import("exceljs");
  const workbook = new excel.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch (error) {
    throw ApiError.badRequest(`data: not a readable XLSX file (${(error as Error).message})`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw ApiError.badRequest("data: the workbook has no sheet");
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[]; // 1-based: values[0] is empty
    table[rowNumber - 1] = values.slice(1).map(cellText);
  });
  const [header, ...rows] = Array.from(table, (row) => row ?? []);
  if (!header?.length) throw ApiError.badRequest("data: the first sheet is empty");
  return { header, rows };
}

function columnIndex(header: string[], wanted: string, field: string): number {
  const normalized = header.map((name) => name.trim().toLowerCase());
  const index = normalized.indexOf(wanted.trim().toLowerCase());
  if (index < 0) {
    throw ApiError.badRequest(`${field}: no column "${wanted}" in the header (columns: ${header.join(", ")})`);
  }
  return index;
}

function rowsOf(table: Table, mapping: ColumnMapping, mappingPath: string, endpointType?: string): ParsedDirectory {
  const at = {
    npi: columnIndex(table.header, mapping.npi, `${mappingPath}.npi`),
    directAddress: columnIndex(table.header, mapping.directAddress, `${mappingPath}.directAddress`),
    name: mapping.name ? columnIndex(table.header, mapping.name, `${mappingPath}.name`) : -1,
    organizationName: mapping.organizationName
      ? columnIndex(table.header, mapping.organizationName, `${mappingPath}.organizationName`)
      : -1,
    endpointType: endpointType ? columnIndex(table.header, endpointType, `${mappingPath}.endpointType`) : -1,
  };
  const used = new Set([at.npi, at.directAddress, at.name, at.organizationName, at.endpointType]);
  const result: ParsedDirectory = { rows: [], errors: [], skipped: 0 };
  table.rows.forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((cell) => !cell)) return;
    if (at.endpointType >= 0 && (cells[at.endpointType] ?? "").toUpperCase() !== "DIRECT") {
      result.skipped++;
      return;
    }
    const npi = (cells[at.npi] ?? "").trim();
    const address = (cells[at.directAddress] ?? "").trim().replace(/^mailto:/i, "");
    let ok = true;
    if (!isValidNpi(npi)) {
      result.errors.push({
        row,
        field: mapping.npi,
        message: /^\d{10}$/.test(npi) ? `${npi} fails the NPI check digit` : `"${npi}" is not a 10-digit NPI`,
      });
      ok = false;
    }
    if (!isDirectAddress(address)) {
      result.errors.push({ row, field: mapping.directAddress, message: `"${address}" is not a Direct address` });
      ok = false;
    }
    if (!ok) return;
    const details: Record<string, string> = {};
    table.header.forEach((name, column) => {
      if (!used.has(column) && cells[column]) details[name] = cells[column]!;
    });
    result.rows.push({
      row,
      npi,
      directAddress: address.toLowerCase(),
      name: at.name >= 0 ? cells[at.name] || null : null,
      organizationName: at.organizationName >= 0 ? cells[at.organizationName] || null : null,
      details,
    });
  });
  return result;
}

export type DirectoryFormat = "nppes" | "csv" | "xlsx";

/** Reads an uploaded list: NPPES's endpoint file, or a HISP's CSV or XLSX with a column mapping. */
export async function parseDirectory(
  format: DirectoryFormat,
  data: string,
  mapping: ColumnMapping | undefined,
): Promise<ParsedDirectory> {
  if (format === "nppes") {
    return rowsOf(csvTable(data), NPPES_MAPPING, "(nppes header)", NPPES_MAPPING.endpointType);
  }
  if (!mapping) throw ApiError.badRequest(`mapping: required for ${format} (which columns hold npi and directAddress)`);
  const table = format === "csv" ? csvTable(data) : await xlsxTable(Buffer.from(data, "base64"));
  return rowsOf(table, mapping, "mapping");
}
