import { describe, expect, it } from "vitest";
import { parseDirectory } from "../src/directory/parse-directory.js";
import { badNpi, npiFrom, nppesFile } from "./support/directory-files.js";

describe("parseDirectory", () => {
  it("reads NPPES's quoted CSV with a byte-order mark, keeping only DIRECT endpoints and the other columns as details", async () => {
    const file =
      "\uFEFF" +
      nppesFile([
        { npi: npiFrom(1), endpoint: "Jane@Direct.Example.org", organization: 'Smith, "Jones" & Co' },
        { npi: npiFrom(2), type: "FHIR", endpoint: "https://fhir.example.org/r4" },
      ]);
    const parsed = await parseDirectory("nppes", file, undefined);
    expect(parsed.skipped).toBe(1);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      expect.objectContaining({
        row: 2,
        npi: npiFrom(1),
        directAddress: "jane@direct.example.org",
        organizationName: 'Smith, "Jones" & Co',
        name: null,
        details: expect.objectContaining({ "Affiliation Address City": "SPRINGFIELD", "Use Code": "HIE" }),
      }),
    ]);
    expect(parsed.rows[0]!.details).not.toHaveProperty("NPI");
  });

  it("accepts mailto: addresses and header names in any case, and reports each bad field of a row", async () => {
    const csv = `npi , DIRECT ADDRESS\n${npiFrom(5)},mailto:a@direct.example.org\n${badNpi(6)},nope\n`;
    const parsed = await parseDirectory("csv", csv, { npi: "NPI", directAddress: "Direct Address" });
    expect(parsed.rows.map((row) => row.directAddress)).toEqual(["a@direct.example.org"]);
    expect(parsed.errors).toEqual([
      { row: 3, field: "NPI", message: `${badNpi(6)} fails the NPI check digit` },
      { row: 3, field: "Direct Address", message: '"nope" is not a Direct address' },
    ]);
  });

  it("checks NPIs with the Luhn digit over 80840 (CMS's example 1234567893)", async () => {
    const csv = "npi,address\n1234567893,a@direct.example.org\n1234567890,b@direct.example.org\n";
    const parsed = await parseDirectory("csv", csv, { npi: "npi", directAddress: "address" });
    expect(parsed.rows.map((row) => row.npi)).toEqual(["1234567893"]);
    expect(parsed.errors[0]).toMatchObject({ row: 3, message: "1234567890 fails the NPI check digit" });
  });
});
