// The typed management client (keyward.api) against the real API: the README's calls, as written.
import { afterAll, beforeAll, expect, it } from "vitest";
import { Keyward } from "../src/index.js";
import { type KeywardApi, startKeywardApi } from "./keyward-api.js";

let api: KeywardApi;
let keyward: Keyward;
beforeAll(async () => {
  api = await startKeywardApi();
  keyward = new Keyward({ baseUrl: api.url, rootKey: api.harness.adminKey, onError: () => {} });
});
afterAll(async () => {
  await keyward?.close();
  await api?.close();
});

it("lists, creates and revokes keys with typed calls, and gives the API's error body on a refusal", async () => {
  const created = await keyward.api.POST("/v1/keys", {
    body: { name: "fleet app", scopes: ["vehicles:read"], environment: "live" },
  });
  expect(created.response.status).toBe(201);
  const id = created.data?.id as string;
  expect(created.data?.key).toMatch(/^kw_live_/);

  const { data } = await keyward.api.GET("/v1/keys", { params: { query: { status: "current" } } });
  expect(data?.data.map((k) => k.id)).toContain(id);

  const revoked = await keyward.api.POST("/v1/keys/{id}/revoke", {
    params: { path: { id } },
    body: { reason: "leaked" },
  });
  expect(revoked.response.status).toBe(200);

  const missing = await keyward.api.GET("/v1/keys/{id}", {
    params: { path: { id: "00000000-0000-7000-8000-000000000000" } },
  });
  expect(missing.response.status).toBe(404);
  expect(missing.error?.errors[0]?.code).toBe("NOT_FOUND");
});
