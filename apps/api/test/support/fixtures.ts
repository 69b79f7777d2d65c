import { readFileSync } from "node:fs";
import path from "node:path";

export const fixturesDir = path.resolve(import.meta.dirname, "../../../../../shared/fixtures");

export function readFixtureJson<T = Record<string, unknown>>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(fixturesDir, relativePath), "utf8")) as T;
}
