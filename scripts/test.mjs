// `npm test`: every check and every workspace's tests, then one closing line that counts them.
// Order: formatting, types, lint and import cycles first (cheap, and a failure there makes test failures noise),
// then each workspace's vitest run through turbo. Each run writes a JSON report to .vitest-results/; the totals of
// those reports are the closing line.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const resultsDir = path.join(root, ".vitest-results");
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  FORCE_COLOR: process.env.CI ? "0" : process.env.FORCE_COLOR,
};

function run(label, command, args) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  return result.status === 0;
}

const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const failedChecks = [];
if (!run("format (prettier --check)", npx, ["prettier", "--check", "."])) failedChecks.push("format");
if (!run("typecheck and lint (turbo)", npx, ["turbo", "run", "typecheck", "lint", "--output-logs=errors-only"]))
  failedChecks.push("typecheck/lint");
if (!run("import cycles (madge)", "npm", ["run", "--silent", "cycles"])) failedChecks.push("cycles");

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const testsOk = run("tests (turbo run test)", npx, ["turbo", "run", "test", "--concurrency=1", "--continue"]);

let passed = 0;
let failed = 0;
let skipped = 0;
const reports = existsSync(resultsDir) ? readdirSync(resultsDir).filter((name) => name.endsWith(".json")) : [];
for (const name of reports) {
  const report = JSON.parse(readFileSync(path.join(resultsDir, name), "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load has no failed tests but is a failure all the same.
  failed += (report.testResults ?? []).filter(
    (suite) => suite.status === "failed" && (suite.assertionResults ?? []).length === 0,
  ).length;
}
if (!testsOk && failed === 0) failed = 1;
failed += failedChecks.length;

console.log("");
if (failedChecks.length) console.log(`failed checks: ${failedChecks.join(", ")}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
