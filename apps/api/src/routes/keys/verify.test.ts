import { generateKey } from "@keyward/auth-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  // A low failure limit, so a verify that counted toward it would show at once; usage is flushed
  // only when a test says so, so counts stay exact and no flush races a write.
  h = await startHarness({
    AUTH_FAILURE_LIMIT: "3",
    AUTH_FAILURE_WINDOW_SECONDS: "60",
    USAGE_FLUSH_INTERVAL_MS: "300000",
  });
});
afterAll(() => h.close());

const verify = (caller: string | null, payload: unknown, remoteAddress?: string) =>
  h.app.inject({
    method: "POST",
    url: "/v1/keys/verify",
    headers: { ...(caller ? bearer(caller) : {}), "content-type": "application/json" },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
    ...(remoteAddress ? { remoteAddress } : {}),
  });

const usageOf = async (keyId: string) => {
  await h.app.keyward.usage.flush();
  const rows = await h.db.usageBucket.findMany({ where: { keyId } });
  return Object.fromEntries(rows.map((r) => [r.outcome, r.count]));
};

describe("POST /v1/keys/verify", () => {
  it("200 VALID with the key's id, scopes, environment and expiry; counted as usage of that key", async () => {
    const caller = await h.keyWithScopes(["keys:verify"]);
    const target = await h.keyWithScopes(["vehicles:read", "vehicles:write"], "test");
    const res = await verify(caller.secret, { key: target.secret });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toEqual({
      valid: true,
      code: "VALID",
      keyId: target.id,
      companyId: h.companyId,
      scopes: ["vehicles:read", "vehicles:write"],
      environment: "test",
      expiresAt: null,
      metadata: null,
    });
    expect(await usageOf(target.id)).toEqual({ allowed: 1 });
    expect(h.logs()).not.toContain(target.secret);
  });

  it("200 with `*` (admin) and `keys:*`: both grant keys:verify", async () => {
    const target = await h.keyWithScopes(["vehicles:read"]);
    const wildcard = await h.keyWithScopes(["keys:*"]);
    expect((await verify(h.adminKey, { key: target.secret })).json().code).toBe("VALID");
    expect((await verify(wildcard.secret, { key: target.secret })).json().code).toBe("VALID");
  });

  it("200 VALID / INSUFFICIENT_SCOPE against requiredScopes", async () => {
    const target = await h.keyWithScopes(["vehicles:read"]);
    const ok = await verify(h.adminKey, { key: target.secret, requiredScopes: ["vehicles:read"] });
    expect(ok.json()).toMatchObject({ valid: true, code: "VALID" });
    const short = await verify(h.adminKey, { key: target.secret, requiredScopes: ["vehicles:write"] });
    expect(short.statusCode).toBe(200);
    expect(short.json()).toMatchObject({ valid: false, code: "INSUFFICIENT_SCOPE", keyId: target.id });
    expect(await usageOf(target.id)).toEqual({ allowed: 1, insufficient_scope: 1 });
  });

  it("200 NOT_FOUND for garbage, a checksum typo, an unknown well-formed key and an empty string", async () => {
    const unknown = generateKey({ prefix: "kw", environment: "live" }).key;
    const { secret } = await h.keyWithScopes(["vehicles:read"]);
    const typo = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    for (const key of ["garbage", typo, unknown, ""]) {
      const res = await verify(h.adminKey, { key });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ valid: false, code: "NOT_FOUND" });
    }
  });

  it("200 REVOKED and EXPIRED", async () => {
    const revoked = await h.keyWithScopes(["vehicles:read"]);
    await h.app.inject({ method: "POST", url: `/v1/keys/${revoked.id}/revoke`, headers: bearer(h.adminKey) });
    expect((await verify(h.adminKey, { key: revoked.secret })).json()).toMatchObject({
      valid: false,
      code: "REVOKED",
      keyId: revoked.id,
    });

    const expired = await h.keyWithScopes(["vehicles:read"]);
    const expiresAt = new Date(Date.now() - 1000);
    await h.db.apiKey.update({ where: { id: expired.id }, data: { expiresAt } });
    expect((await verify(h.adminKey, { key: expired.secret })).json()).toMatchObject({
      valid: false,
      code: "EXPIRED",
      expiresAt: expiresAt.toISOString(),
    });
  });

  it("200 expiresAt is the end of a rotation's grace period when that comes first", async () => {
    const old = await h.keyWithScopes(["vehicles:read"]);
    const rotated = await h.app.inject({
      method: "POST",
      url: `/v1/keys/${old.id}/rotate`,
      headers: bearer(h.adminKey),
      payload: { gracePeriodSeconds: 3600 },
    });
    const res = await verify(h.adminKey, { key: old.secret });
    expect(res.json()).toMatchObject({ valid: true, code: "VALID", expiresAt: rotated.json().oldKeyExpiresAt });
  });

  it("200 IP_NOT_ALLOWED unless the given ip is in the key's allowlist (a missing ip is refused)", async () => {
    const target = await h.keyWithScopes(["vehicles:read"]);
    await h.db.apiKey.update({ where: { id: target.id }, data: { ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"] } });
    const code = async (ip?: string) => (await verify(h.adminKey, { key: target.secret, ip })).json().code;
    expect(await code("10.1.2.3")).toBe("VALID");
    expect(await code("2001:db8::1")).toBe("VALID");
    expect(await code("192.168.1.1")).toBe("IP_NOT_ALLOWED");
    expect(await code(undefined)).toBe("IP_NOT_ALLOWED");
  });

  it("200 RATE_LIMITED once the key's own limit is spent: a verify consumes it like a real request", async () => {
    const target = await h.keyWithScopes(["keys:read"]);
    await h.db.apiKey.update({ where: { id: target.id }, data: { rateLimit: 2, rateLimitWindowSeconds: 60 } });
    const first = await verify(h.adminKey, { key: target.secret });
    expect(first.json()).toMatchObject({ code: "VALID", ratelimit: { limit: 2, remaining: 1 } });
    await verify(h.adminKey, { key: target.secret });
    const third = await verify(h.adminKey, { key: target.secret });
    expect(third.statusCode).toBe(200);
    expect(third.json()).toMatchObject({ valid: false, code: "RATE_LIMITED", ratelimit: { limit: 2, remaining: 0 } });
    expect(third.json().ratelimit.resetSeconds).toBeGreaterThan(0);
    // The limit is the key's, shared with its direct use of the API.
    expect((await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(target.secret) })).statusCode).toBe(
      429,
    );
  });

  it("200 VALID carries the key's metadata, as changed through the API", async () => {
    const target = await h.keyWithScopes(["vehicles:read"]);
    const metadata = { plan: "fleet", depots: ["north", "south"], limits: { trucks: 12 } };
    const patched = await h.app.inject({
      method: "PATCH",
      url: `/v1/keys/${target.id}`,
      headers: bearer(h.adminKey),
      payload: { metadata },
    });
    expect(patched.statusCode).toBe(200);
    expect((await verify(h.adminKey, { key: target.secret })).json()).toMatchObject({ code: "VALID", metadata });
  });

  it("200 cost takes that many rate-limit points while usage counts one request", async () => {
    const target = await h.keyWithScopes(["keys:read"]);
    await h.db.apiKey.update({ where: { id: target.id }, data: { rateLimit: 10, rateLimitWindowSeconds: 3600 } });
    const first = await verify(h.adminKey, { key: target.secret, cost: 4 });
    expect(first.json()).toMatchObject({ code: "VALID", ratelimit: { limit: 10, remaining: 6 } });
    const second = await verify(h.adminKey, { key: target.secret, cost: 6 });
    expect(second.json()).toMatchObject({ code: "VALID", ratelimit: { limit: 10, remaining: 0 } });
    const third = await verify(h.adminKey, { key: target.secret, cost: 1 });
    expect(third.json()).toMatchObject({ valid: false, code: "RATE_LIMITED", ratelimit: { remaining: 0 } });
    expect(await usageOf(target.id)).toEqual({ allowed: 2, rate_limited: 1 });
  });

  it("200 a request costing more than what is left is refused", async () => {
    const target = await h.keyWithScopes(["keys:read"]);
    await h.db.apiKey.update({ where: { id: target.id }, data: { rateLimit: 5, rateLimitWindowSeconds: 3600 } });
    expect((await verify(h.adminKey, { key: target.secret, cost: 3 })).json().code).toBe("VALID");
    expect((await verify(h.adminKey, { key: target.secret, cost: 3 })).json()).toMatchObject({
      code: "RATE_LIMITED",
      ratelimit: { limit: 5, remaining: 0 },
    });
  });

  it("200: verifying bad keys never counts toward the caller's IP failure throttle", async () => {
    const ip = "198.51.100.23";
    for (let i = 0; i < 10; i++) {
      expect((await verify(h.adminKey, { key: `kw_live_guess${i}` }, ip)).json().code).toBe("NOT_FOUND");
    }
    // What is checked is that nothing is recorded, which cannot be polled for: give a failure wrongly
    // recorded off the response path the time to land.
    await new Promise((r) => setTimeout(r, 50));
    expect((await verify(h.adminKey, { key: "garbage" }, ip)).statusCode).toBe(200);
    expect(
      (await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(h.adminKey), remoteAddress: ip })).statusCode,
    ).toBe(200);

    // Control: the same number of bad credentials sent as the caller's own does block that IP.
    const control = "198.51.100.24";
    for (let i = 0; i < 3; i++) await verify(`kw_live_guess${i}`, { key: "garbage" }, control);
    await vi.waitFor(() => expect(h.app.keyward.throttle.blockedFor(control)).toBeGreaterThan(0));
    expect((await verify(h.adminKey, { key: "garbage" }, control)).statusCode).toBe(429);
  });

  it.each<[string, unknown]>([
    ["a missing key", {}],
    ["a key that is not a string", { key: 42 }],
    ["a malformed required scope", { key: "x", requiredScopes: ["vehicles:delete"] }],
    ["requiredScopes not a list", { key: "x", requiredScopes: "vehicles:read" }],
    ["an ip that is not an address", { key: "x", ip: "10.0.0.0/8" }],
    ["an unknown field", { key: "x", scopes: ["*"] }],
    ["a cost of 0", { key: "x", cost: 0 }],
    ["a cost above 1000", { key: "x", cost: 1001 }],
    ["a fractional cost", { key: "x", cost: 1.5 }],
    ["malformed JSON", '{"key": '],
  ])("400 VALIDATION_FAILED for %s", async (_label, payload) => {
    const res = await verify(h.adminKey, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("401 without a credential", async () => {
    const target = await h.keyWithScopes(["vehicles:read"]);
    const res = await verify(null, { key: target.secret });
    expect(res.statusCode).toBe(401);
    expect(res.json().errors[0].code).toBe("UNAUTHORIZED");
  });

  it("403 for `*:read` and for keys:read: neither grants keys:verify", async () => {
    const target = await h.keyWithScopes(["vehicles:read"]);
    const reader = await h.keyWithScopes(["keys:read"]);
    for (const caller of [h.readOnlyKey, reader.secret]) {
      const res = await verify(caller, { key: target.secret });
      expect(res.statusCode).toBe(403);
      expect(res.json().errors[0]).toMatchObject({ code: "FORBIDDEN", details: { required: ["keys:verify"] } });
    }
    expect(await usageOf(target.id)).toEqual({});
  });

  it("200 NOT_FOUND for another company's key, whatever its state, revealing nothing", async () => {
    const other = await h.otherCompany();
    const valid = await h.keyWithScopes(["vehicles:read"]);
    const revoked = await h.keyWithScopes(["vehicles:read"]);
    await h.app.inject({ method: "POST", url: `/v1/keys/${revoked.id}/revoke`, headers: bearer(h.adminKey) });
    for (const key of [valid.secret, revoked.secret]) {
      const res = await verify(other.adminKey, { key, requiredScopes: ["vehicles:read"] });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ valid: false, code: "NOT_FOUND" });
    }
    // And the other way round: our admin cannot verify theirs.
    expect((await verify(h.adminKey, { key: other.adminKey })).json()).toEqual({ valid: false, code: "NOT_FOUND" });
  });

  it("200 NOT_FOUND for another company's key consumes nothing of it: rate limit, usage, last use, new-IP state", async () => {
    const other = await h.otherCompany();
    const target = await h.keyWithScopes(["keys:read"]);
    await h.db.apiKey.update({ where: { id: target.id }, data: { rateLimit: 2, rateLimitWindowSeconds: 3600 } });
    const recorded = h.app.keyward.usage.recorded;
    for (let i = 0; i < 3; i++) {
      const res = await verify(other.adminKey, { key: target.secret, ip: "203.0.113.7" });
      expect(res.json()).toEqual({ valid: false, code: "NOT_FOUND" });
    }
    // Usage, last use and the new-IP detector are all fed by the one usage record: only the caller's
    // own three requests were recorded, nothing for the key it presented.
    expect(h.app.keyward.usage.recorded).toBe(recorded + 3);
    expect(await usageOf(target.id)).toEqual({});
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: target.id } })).lastUsedAt).toBeNull();
    // The key's own first request of the window still has the whole limit.
    const own = await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(target.secret) });
    expect(own.statusCode).toBe(200);
    expect(own.headers["ratelimit-remaining"]).toBe("1");
  });
});
