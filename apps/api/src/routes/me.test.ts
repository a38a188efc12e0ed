import { generateKey } from "@keyward/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const UNAUTHORIZED = { errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] };

describe("GET /v1/me", () => {
  it("200 names the calling key, its company, scopes and environment (Bearer)", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(h.readOnlyKey) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      type: "key",
      company: { id: h.companyId, name: "Acme" },
      scopes: ["*:read"],
      environment: "test",
    });
    expect(res.json().keyId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("200 with X-API-Key", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: { "x-api-key": h.adminKey } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ scopes: ["*"], environment: "live" });
  });

  it("401 without a credential: WWW-Authenticate names the realm only", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/me" });
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="keyward"');
    expect(res.json()).toEqual(UNAUTHORIZED);
  });

  it.each<[string, () => string]>([
    ["garbage", () => "Bearer not-a-key"],
    ["a typo in a real key", () => `Bearer ${flipOneBodyChar(h.adminKey)}`],
    ["a non-Bearer scheme", () => "Basic dXNlcjpwYXNz"],
    [
      "a well-formed key that was never issued",
      () => `Bearer ${generateKey({ prefix: "kw", environment: "live" }).key}`,
    ],
    ["a 10 kB key", () => `Bearer kw_live_${"a".repeat(10_000)}`],
  ])("401 with invalid_token for %s, same body for every cause", async (_label, header) => {
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: { authorization: header() } });
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="keyward", error="invalid_token"');
    expect(res.json()).toEqual(UNAUTHORIZED);
  });

  it("403 IP_NOT_ALLOWED from outside the key's allowlist", async () => {
    const { id, secret } = await h.keyWithScopes(["*"]);
    await h.db.apiKey.update({ where: { id }, data: { ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"] } });
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(secret) });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].code).toBe("IP_NOT_ALLOWED");
  });

  it("429 RATE_LIMITED over the key's limit, with Retry-After and RateLimit headers", async () => {
    const { id, secret } = await h.keyWithScopes(["*"]);
    await h.db.apiKey.update({ where: { id }, data: { rateLimit: 2, rateLimitWindowSeconds: 60 } });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++)
      codes.push((await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(secret) })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(secret) });
    expect(res.headers["retry-after"]).toMatch(/^\d+$/);
    expect(res.headers["ratelimit-limit"]).toBe("2");
    expect(res.headers["ratelimit-remaining"]).toBe("0");
    expect(res.json().errors[0]).toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfterSeconds: expect.any(Number) },
    });
  });

  it("401 for a revoked key", async () => {
    const { id, secret } = await h.keyWithScopes(["*"]);
    await h.db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(secret) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(UNAUTHORIZED);
  });

  it("401 for an expired key", async () => {
    const { id, secret } = await h.keyWithScopes(["*"]);
    await h.db.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(secret) });
    expect(res.statusCode).toBe(401);
  });
});

function flipOneBodyChar(key: string): string {
  const i = key.length - 10;
  return key.slice(0, i) + (key[i] === "A" ? "B" : "A") + key.slice(i + 1);
}
