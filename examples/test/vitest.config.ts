import { defineConfig } from "vitest/config";

// The Next.js example builds before it starts: minutes on a loaded two-core machine.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 600_000 },
});
