import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Timeouts only catch hangs: some tests start a second app and database, slow on a loaded 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file starts its own database; two cores do not gain from more.
    maxWorkers: 2,
  },
});
