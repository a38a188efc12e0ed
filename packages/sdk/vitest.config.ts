import { defineConfig } from "vitest/config";

// Each middleware's file starts a real Keyward API on a fresh database: slow on a loaded machine.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 120_000 },
});
