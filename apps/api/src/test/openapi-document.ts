// The OpenAPI document the API serves, built on a throwaway embedded database: the same routes and
// schemas as production, with the optional /metrics left out (it is not a client's to call).
import { createDb } from "@keyward/db";
import { createTestDatabase } from "@keyward/db/testing";
import { buildApp } from "../app";
import { loadEnv } from "../env";

/** Where the SDK keeps its copy, relative to this file. */
export const SDK_OPENAPI_FILE = new URL("../../../../packages/sdk/src/generated/openapi.json", import.meta.url);

export async function openApiDocument(): Promise<unknown> {
  const database = await createTestDatabase({});
  const db = createDb(database.url);
  try {
    const app = await buildApp({ db, env: loadEnv({ NODE_ENV: "test", LOG_LEVEL: "silent" }), redis: null });
    try {
      const res = await app.inject({ method: "GET", url: "/openapi.json" });
      return res.json();
    } finally {
      await app.close();
    }
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}
