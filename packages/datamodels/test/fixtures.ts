import { readFileSync } from "node:fs";
import path from "node:path";

/** `../shared/fixtures`, beside the project checkout (in CI too). */
export const fixturesDir = path.resolve(import.meta.dirname, "../../../../shared/fixtures");

export function readFixtureJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(path.join(fixturesDir, relativePath), "utf8"));
}

export function readFixtureText(relativePath: string): string {
  return readFileSync(path.join(fixturesDir, relativePath), "utf8");
}
