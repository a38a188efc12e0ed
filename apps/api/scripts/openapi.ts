// Writes the API's OpenAPI document (what GET /openapi.json serves, without the optional /metrics)
// to the file named on the command line: the SDK's typed client is generated from it
// (`pnpm --filter @keyward/sdk api-client`), and src/plugins/openapi.test.ts fails when the
// committed copy is not what the API serves.
import { writeFile } from "node:fs/promises";
import { openApiDocument } from "../src/test/openapi-document";

const out = process.argv[2];
if (!out) {
  console.error("usage: tsx scripts/openapi.ts <file>");
  process.exit(2);
}
await writeFile(out, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
console.log(`wrote ${out}`);
