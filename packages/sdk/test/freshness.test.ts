// The SDK against the real API: its change stream goes live, cached verdicts cost no network call,
// a change made through the API reaches the cache within a second, and the uses it answered from
// its cache show up in Keyward's usage like any verified request.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { Keyward } from "../src/index.js";
import { type KeywardApi, startKeywardApi } from "./keyward-api.js";

let api: KeywardApi;
let keyward: Keyward;
let verifies = 0;

beforeAll(async () => {
  api = await startKeywardApi();
  const root = await api.createKey({ name: "fleet service", scopes: ["keys:verify"] });
  keyward = new Keyward({
    baseUrl: api.url,
    rootKey: root.key,
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

/** Verifies until the stream is live and the key's verdict is cached (no verify call for it any more). */
async function cached(key: string, requiredScopes: string[]): Promise<void> {
  await vi.waitFor(
    async () => {
      const before = verifies;
      await keyward.verifyKey({ key, requiredScopes, ip: "10.0.0.7" });
      expect(verifies).toBe(before);
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** Milliseconds from `change` until the SDK refuses the key with `code`. */
async function refusedWithin(key: string, code: string, change: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await change();
  for (;;) {
    const verdict = await keyward.verifyKey({ key, requiredScopes: ["vehicles:read"], ip: "10.0.0.7" });
    if (verdict.code === code) return performance.now() - started;
    if (performance.now() - started > 5000) throw new Error(`still ${verdict.code} after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it("answers from its cache with the key's identity, and a revoke through the API reaches it within a second", async () => {
  const client = await api.createKey({ name: "fleet app", scopes: ["vehicles:read"], metadata: { plan: "pro" } });
  const verdict = await keyward.verifyKey({ key: client.key, requiredScopes: ["vehicles:read"], ip: "10.0.0.7" });
  expect(verdict).toMatchObject({
    valid: true,
    code: "VALID",
    keyId: client.id,
    companyId: api.companyId,
    scopes: ["vehicles:read"],
    environment: "live",
    metadata: { plan: "pro" },
  });
  await cached(client.key, ["vehicles:read"]);
  expect(keyward.live).toBe(true);

  const ms = await refusedWithin(client.key, "REVOKED", () => api.revokeKey(client.id));
  expect(ms).toBeLessThan(1000);
});

it("an update through the API (scopes taken away) reaches the cache too", async () => {
  const client = await api.createKey({ name: "fleet app 2", scopes: ["vehicles:read"] });
  await cached(client.key, ["vehicles:read"]);
  const ms = await refusedWithin(client.key, "INSUFFICIENT_SCOPE", async () => {
    const response = await fetch(`${api.url}/v1/keys/${client.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${api.harness.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ scopes: ["vehicles:write"] }),
    });
    expect(response.status).toBe(200);
  });
  expect(ms).toBeLessThan(1000);
});

it("reports the uses it answered from its cache: GET /v1/usage counts them", async () => {
  const client = await api.createKey({ name: "fleet app 3", scopes: ["vehicles:read"] });
  await cached(client.key, ["vehicles:read"]);
  await keyward.flushUsage();
  const usage = async () => {
    await api.harness.app.keyward.usage.flush();
    const response = await fetch(`${api.url}/v1/usage?keyId=${client.id}&granularity=hour`, {
      headers: { authorization: `Bearer ${api.harness.adminKey}` },
    });
    const body = (await response.json()) as { data: { allowed: number }[] };
    return body.data.reduce((n, bucket) => n + bucket.allowed, 0);
  };
  const before = await usage();
  const calls = verifies;
  for (let i = 0; i < 7; i++)
    await keyward.verifyKey({ key: client.key, requiredScopes: ["vehicles:read"], ip: "10.0.0.7" });
  expect(verifies).toBe(calls);
  await keyward.flushUsage();
  expect(await usage()).toBe(before + 7);
});
