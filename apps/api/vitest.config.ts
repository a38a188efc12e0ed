import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file starts its own database; two cores do not gain from more.
    maxWorkers: 2,
  },
});
