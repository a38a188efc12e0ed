import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts its own database (embedded PGlite, or a new database on TEST_DATABASE_URL).
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
