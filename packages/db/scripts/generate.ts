// Runs `prisma generate` offline. The Prisma CLI insists on locating its schema engine before it
// generates, and would download one; generation itself does not use it, so any existing file will do.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
const stub = engine && existsSync(engine) ? engine : process.execPath;

execFileSync("pnpm", ["exec", "prisma", "generate"], {
  cwd: packageDir,
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
});
