import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests of the dashboard's server-side modules (the journeys in e2e/ cover the pages).
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: { include: ["src/**/*.test.ts"], testTimeout: 30_000 },
});
