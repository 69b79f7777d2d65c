import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fixturesDir } from "./fixtures.js";

export const cdaSchema = path.join(fixturesDir, "cda-schema/infrastructure/cda/CDA_SDTC.xsd");

/** Validates XML against the CDA R2 + SDTC schema with xmllint; returns xmllint's complaints (empty when valid). */
export function schemaErrors(xml: string): string[] {
  const directory = mkdtempSync(path.join(tmpdir(), "cda-"));
  const file = path.join(directory, "document.xml");
  writeFileSync(file, xml);
  try {
    execFileSync("xmllint", ["--noout", "--nonet", "--schema", cdaSchema, file], { stdio: "pipe" });
    return [];
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    return stderr.split("\n").filter((line) => line.includes("error"));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
