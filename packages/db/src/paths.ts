import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The monorepo root (where pnpm-workspace.yaml is), so every app finds the same `.data/` whatever its cwd. */
export function workspaceRoot(from = process.cwd()): string {
  let dir = resolve(/*turbopackIgnore: true*/ from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/** The data directory: `KEYWARD_DATA_DIR` as the app's env.ts read it, or `.data/` at the workspace root. */
export function resolveDataDir(configured: string | undefined): string {
  return configured ? resolve(configured) : join(workspaceRoot(), ".data");
}
