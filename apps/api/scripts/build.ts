// `pnpm --filter @keyward/api build`: the API as one ES module, apps/api/dist/main.js, which
// `pnpm start` runs with plain `node`. Running the TypeScript through tsx in production costs a loader
// thread (~25 MB resident, bench figure 9) and a transform of every module at start.
//
// Everything is bundled, the workspace packages (TypeScript sources) and their dependencies alike,
// except packages that read their own files at run time: they stay in node_modules, found from
// apps/api (so they must be dependencies of @keyward/api).
import { build } from "esbuild";

/** Packages that serve or read files from their own folder. */
const KEEP_EXTERNAL = ["@fastify/swagger-ui"];

export async function bundleNodeProgram(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: KEEP_EXTERNAL,
    sourcemap: "linked",
    // CommonJS dependencies call require() for Node's built-ins; an ES module has no require of its own.
    banner: {
      js: "import { createRequire as __keywardCreateRequire } from 'node:module'; const require = __keywardCreateRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL("..", import.meta.url);
  await bundleNodeProgram(new URL("src/main.ts", root).pathname, new URL("dist/main.js", root).pathname);
}
