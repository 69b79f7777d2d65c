import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: [
      "default",
      ["json", { outputFile: "../../.vitest-results/" + process.env.npm_package_name?.replace("/", "__") + ".json" }],
    ],
  },
});
