import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Generated test keys and certificates go to one temporary folder per run, removed afterwards.
    globalSetup: ["test/helpers/global-setup.ts"],
    reporters: [
      "default",
      ["json", { outputFile: "../../.vitest-results/" + process.env.npm_package_name?.replace("/", "__") + ".json" }],
    ],
  },
});
