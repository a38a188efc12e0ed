import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

// What npm would ship: the build imports nothing of the monorepo, only its declared dependencies,
// and runs under plain Node with no TypeScript loader.
it("the built package imports only its declared dependencies and runs under plain node", async () => {
  // Inside the package, so the build's imports resolve from its own node_modules as an installed copy would.
  const out = await mkdtemp(join(root, ".build-test-"));
  try {
    await run(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json", "--outDir", out], { cwd: root });
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    const allowed = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const imported = new Set<string>();
    for (const file of (await readdir(out, { recursive: true })).filter((f) => f.endsWith(".js"))) {
      const text = await readFile(join(out, file), "utf8");
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
        if (!spec?.startsWith(".") && !spec?.startsWith("node:")) imported.add(spec as string);
      }
    }
    expect([...imported].filter((spec) => !allowed.has(spec))).toEqual([]);

    const script = `import("${join(out, "index.js")}").then((sdk) => console.log(typeof sdk.Keyward, sdk.isWellFormedKey("kw_live_x")))`;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: root });
    expect(stdout.trim()).toBe("function false");
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
