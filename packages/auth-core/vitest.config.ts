import { defineConfig } from "vitest/config";

export default defineConfig({
  // scrypt at production cost is slow on a loaded 2-core CI machine; the default 5 s is too tight.
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000, setupFiles: ["test/setup.ts"] },
});
