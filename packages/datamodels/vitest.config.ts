import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Some tests run xmllint or read every fixture; on a shared, loaded CI machine 5 s is too tight.
    testTimeout: 30_000,
    reporters: [
      "default",
      ["json", { outputFile: "../../.vitest-results/" + process.env.npm_package_name?.replace("/", "__") + ".json" }],
    ],
  },
});
