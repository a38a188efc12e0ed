// An operator's service: one SDK with an operator key as root key judges keys of every company,
// puts each key's own company on the verdict, and hears every company's changes on its stream.
import { createOperatorKey } from "@keyward/core";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { Keyward } from "../src/index.js";
import { type KeywardApi, startKeywardApi } from "./keyward-api.js";

let api: KeywardApi;
let keyward: Keyward;
let verifies = 0;

beforeAll(async () => {
  api = await startKeywardApi();
  const { secret } = await createOperatorKey(api.harness.db, { name: "billing", scopes: ["keys:verify"] }, null);
  keyward = new Keyward({
    baseUrl: api.url,
    rootKey: secret,
    fetch: (input, init) => {
      if (String(input).endsWith("/v1/keys/verify")) verifies++;
      return fetch(input, init);
    },
    onError: () => {},
  });
});
afterAll(async () => {
  await keyward?.close();
  await api?.close();
});

it("verifies keys of two companies with each one's company, and a revoke in either reaches its cache", async () => {
  const own = await api.createKey({ name: "acme app", scopes: ["vehicles:read"] });
  const other = await api.harness.otherCompany();
  const response = await fetch(`${api.url}/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${other.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "other app", scopes: ["vehicles:read"], environment: "live" }),
  });
  const foreign = (await response.json()) as { id: string; key: string };

  for (const [key, companyId] of [
    [own.key, api.companyId],
    [foreign.key, other.companyId],
  ] as const) {
    expect(await keyward.verifyKey({ key, requiredScopes: ["vehicles:read"] })).toMatchObject({
      valid: true,
      companyId,
      company: { id: companyId },
    });
    // Cached once the stream is live.
    await vi.waitFor(async () => {
      const before = verifies;
      await keyward.verifyKey({ key, requiredScopes: ["vehicles:read"] });
      expect(verifies).toBe(before);
    });
  }

  const revoke = await fetch(`${api.url}/v1/keys/${foreign.id}/revoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${other.adminKey}`, "content-type": "application/json" },
    body: "{}",
  });
  expect(revoke.status).toBe(200);
  await vi.waitFor(async () =>
    expect(await keyward.verifyKey({ key: foreign.key, requiredScopes: ["vehicles:read"] })).toMatchObject({
      code: "REVOKED",
    }),
  );
  expect(await keyward.verifyKey({ key: own.key, requiredScopes: ["vehicles:read"] })).toMatchObject({ valid: true });
});
