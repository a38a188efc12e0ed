import { defineConfig } from "vitest/config";

export default defineConfig({
  // Each test starts a node process: slow on a loaded 2-core machine.
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
