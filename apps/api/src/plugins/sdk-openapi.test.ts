import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { openApiDocument, SDK_OPENAPI_FILE } from "../test/openapi-document";

// The SDK's typed client is generated from its copy of the document: a route or schema changed
// without `pnpm --filter @keyward/sdk api-client` would ship a client that no longer matches.
it("the SDK's copy of the OpenAPI document is what the API serves", async () => {
  const committed = JSON.parse(await readFile(SDK_OPENAPI_FILE, "utf8"));
  expect(committed, "run: pnpm --filter @keyward/sdk api-client").toEqual(await openApiDocument());
});
