// `pnpm --filter @keyward/web build` (after `next build`): server.ts as one ES module, dist/server.js,
// which `pnpm start` runs with plain node. Next itself stays in node_modules (it reads its own files);
// the workspace sources (TypeScript) and the small dependencies they use are bundled.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../server.ts", import.meta.url).pathname],
  outfile: new URL("../dist/server.js", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["next"],
  sourcemap: "linked",
  // CommonJS dependencies call require() for Node's built-ins; an ES module has no require of its own.
  banner: {
    js: "import { createRequire as __keywardCreateRequire } from 'node:module'; const require = __keywardCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
