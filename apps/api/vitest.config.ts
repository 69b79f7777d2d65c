import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files run in parallel, each on its own database (cloned from a migrated template) and queue prefix.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ["default", ["json", { outputFile: "../../.vitest-results/" + "@conduit__api.json" }]],
  },
});
