import { defineConfig } from "vitest/config";

export default defineConfig({
  // An ACME order against pebble takes a few seconds; a loaded 2-core CI machine needs headroom.
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
});
