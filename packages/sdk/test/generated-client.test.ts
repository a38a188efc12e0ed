import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

// apps/api checks that src/generated/openapi.json is what the API serves; this checks that the
// committed types are what openapi-typescript makes of it.
it("src/generated/api.ts is openapi-typescript's output for src/generated/openapi.json", async () => {
  const dir = await mkdtemp(join(tmpdir(), "keyward-sdk-"));
  try {
    const out = join(dir, "api.ts");
    await promisify(execFile)(
      join(root, "node_modules/.bin/openapi-typescript"),
      ["src/generated/openapi.json", "-o", out],
      { cwd: root },
    );
    const committed = await readFile(join(root, "src/generated/api.ts"), "utf8");
    expect(committed === (await readFile(out, "utf8")), "run: pnpm --filter @keyward/sdk api-client").toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
