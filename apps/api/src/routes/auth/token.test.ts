import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../app";
import { loadEnv } from "../../env";
import { INVALID_TOKEN, loginUser, testIp, UNAUTHORIZED_BODY } from "../../test/credentials";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
const ip = testIp();
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const exchange = (key: string, payload?: unknown) =>
  h.app.inject({
    method: "POST",
    url: "/v1/auth/token",
    headers: bearer(key),
    remoteAddress: ip,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const get = (url: string, credential: string, from = ip) =>
  h.app.inject({ method: "GET", url, headers: bearer(credential), remoteAddress: from });

describe("POST /v1/auth/token", () => {
  it("201: a 15-minute ES256 JWT carrying the key's id and scopes, accepted as Bearer", async () => {
    const k = await h.keyWithScopes(["keys:read", "usage:read"]);
    const res = await exchange(k.secret);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      keyId: k.id,
      scopes: ["keys:read", "usage:read"],
    });
    const claims = decodeJwt(body.token);
    expect(claims).toMatchObject({ sub: k.id, company: h.companyId, scope: "keys:read usage:read", kind: "key" });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);

    const me = await get("/v1/me", body.token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ type: "token", keyId: k.id, scopes: ["keys:read", "usage:read"] });
    expect((await get("/v1/keys", body.token)).statusCode).toBe(200);
    const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "token.issued", keyId: k.id } });
    expect(event).toMatchObject({ actorType: "key", actorId: k.id });
  });

  it("201 with ttlSeconds, never past the key's own expiry", async () => {
    const short = await exchange(h.adminKey, { ttlSeconds: 60 });
    expect(short.statusCode).toBe(201);
    const claims = decodeJwt(short.json().token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);

    const k = await h.keyWithScopes(["keys:read"]);
    const keyExpiry = new Date(Date.now() + 120_000);
    await h.db.apiKey.update({ where: { id: k.id }, data: { expiresAt: keyExpiry } });
    const capped = await exchange(k.secret, { ttlSeconds: 3600 });
    expect(capped.statusCode).toBe(201);
    expect(new Date(capped.json().expiresAt).getTime()).toBeLessThanOrEqual(keyExpiry.getTime());
  });

  it.each<[string, unknown]>([
    ["ttlSeconds over 1 hour", { ttlSeconds: 3601 }],
    ["ttlSeconds of 0", { ttlSeconds: 0 }],
    ["a fractional ttlSeconds", { ttlSeconds: 1.5 }],
    ["an unknown field", { scopes: ["*"] }],
  ])("400 for %s", async (_label, payload) => {
    const res = await exchange(h.adminKey, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("401 without a key, or with a revoked one", async () => {
    const none = await h.app.inject({ method: "POST", url: "/v1/auth/token", remoteAddress: testIp() });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual(UNAUTHORIZED_BODY);
    const k = await h.keyWithScopes(["*"]);
    await h.db.apiKey.update({ where: { id: k.id }, data: { revokedAt: new Date() } });
    const revoked = await h.app.inject({
      method: "POST",
      url: "/v1/auth/token",
      headers: bearer(k.secret),
      remoteAddress: testIp(),
    });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers["www-authenticate"]).toBe(INVALID_TOKEN);
  });

  it("403 when the credential is a JWT: only an API key can be exchanged", async () => {
    const token = (await exchange(h.adminKey)).json().token;
    const again = await exchange(token);
    expect(again.statusCode).toBe(403);
    expect(again.json().errors[0]).toMatchObject({ code: "FORBIDDEN" });
    const user = await loginUser(h.app, "owner@acme.test", "correct horse battery", ip);
    expect((await exchange(user)).statusCode).toBe(403);
  });

  it("a token's 403 is the key's 403: same body, same WWW-Authenticate", async () => {
    const token = (await exchange(h.readOnlyKey)).json().token;
    const create = (credential: string) =>
      h.app.inject({
        method: "POST",
        url: "/v1/keys",
        headers: bearer(credential),
        remoteAddress: ip,
        payload: { name: "x", scopes: ["keys:read"], environment: "live" },
      });
    const byKey = await create(h.readOnlyKey);
    const byToken = await create(token);
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json()).toEqual(byKey.json());
    expect(byToken.json()).toEqual({
      errors: [
        {
          code: "FORBIDDEN",
          message: "Insufficient permissions",
          details: { required: ["keys:write"], available: ["*:read"] },
        },
      ],
    });
    expect(byToken.headers["www-authenticate"]).toBe(byKey.headers["www-authenticate"]);
  });

  it("401 once the token expired, with the same body", async () => {
    // The clock stands still while the token is used, then jumps past its expiry: exact on any machine.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const res = await (async () => {
      try {
        const token = (await exchange(h.adminKey, { ttlSeconds: 1 })).json().token;
        expect((await get("/v1/me", token)).statusCode).toBe(200);
        vi.setSystemTime(Date.now() + 2100);
        return await get("/v1/me", token, testIp());
      } finally {
        vi.useRealTimers();
      }
    })();
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toBe(INVALID_TOKEN);
    expect(res.json()).toEqual(UNAUTHORIZED_BODY);
  });

  it("401 for a token whose signature was tampered with", async () => {
    const token: string = (await exchange(h.adminKey)).json().token;
    const [header, payload] = token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(86)}`;
    expect((await get("/v1/me", forged, testIp())).statusCode).toBe(401);
  });

  it("the key's restrictions follow its tokens: narrowed scopes, IP allowlist, rate limit", async () => {
    const k = await h.keyWithScopes(["keys:read", "usage:read"]);
    const token = (await exchange(k.secret)).json().token;
    await h.app.inject({
      method: "PATCH",
      url: `/v1/keys/${k.id}`,
      headers: bearer(h.adminKey),
      remoteAddress: ip,
      payload: { scopes: ["usage:read"] },
    });
    const narrowed = await get("/v1/keys", token);
    expect(narrowed.statusCode).toBe(403);
    expect(narrowed.json().errors[0].details).toEqual({ required: ["keys:read"], available: ["usage:read"] });

    await h.app.inject({
      method: "PATCH",
      url: `/v1/keys/${k.id}`,
      headers: bearer(h.adminKey),
      remoteAddress: ip,
      payload: { ipAllowlist: ["192.0.2.0/24"] },
    });
    expect((await get("/v1/me", token)).json().errors[0].code).toBe("IP_NOT_ALLOWED");
    expect((await get("/v1/me", token, "192.0.2.7")).statusCode).toBe(200);

    const limited = await h.keyWithScopes(["keys:read"]);
    const limitedToken = (await exchange(limited.secret)).json().token;
    await h.app.inject({
      method: "PATCH",
      url: `/v1/keys/${limited.id}`,
      headers: bearer(h.adminKey),
      remoteAddress: ip,
      payload: { rateLimit: { limit: 2, windowSeconds: 60 } },
    });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await get("/v1/me", i === 1 ? limited.secret : limitedToken)).statusCode);
    expect(codes).toEqual([200, 200, 429]); // key and token share the key's limit
    const refused = await get("/v1/me", limitedToken);
    expect(refused.headers["retry-after"]).toMatch(/^\d+$/);
    expect(refused.headers["ratelimit-limit"]).toBe("2");
  });

  it("401: a revoked key's tokens stop at once on this replica and, via the key-change feed, on another", async () => {
    // A second replica on the same database, with its cache warm for the token.
    const replica = await buildApp({
      db: h.db,
      env: loadEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", REDIS_URL: process.env.REDIS_URL }),
      redis: null,
    });
    try {
      const k = await h.keyWithScopes(["keys:read"]);
      const token = (await exchange(k.secret)).json().token;
      const onReplica = () =>
        replica.inject({ method: "GET", url: "/v1/me", headers: bearer(token), remoteAddress: ip });
      expect((await onReplica()).statusCode).toBe(200);
      expect((await get("/v1/me", token)).statusCode).toBe(200);

      const revoked = await h.app.inject({
        method: "POST",
        url: `/v1/keys/${k.id}/revoke`,
        headers: bearer(h.adminKey),
        remoteAddress: ip,
        payload: {},
      });
      expect(revoked.statusCode).toBe(200);
      expect((await get("/v1/me", token, testIp())).statusCode).toBe(401);
      // How fast the other replica learns is bench figure 6; here only that it does, without a restart.
      await expect.poll(async () => (await onReplica()).statusCode, { timeout: 15_000, interval: 20 }).toBe(401);
    } finally {
      await replica.close();
    }
  });

  it("cross-tenant: another company's token sees none of this company's keys", async () => {
    const other = await h.otherCompany();
    const token = (await exchange(other.adminKey)).json().token;
    const mine = await h.keyWithScopes(["keys:read"]);
    expect((await get(`/v1/keys/${mine.id}`, token)).statusCode).toBe(404);
    const list = await get("/v1/keys", token);
    expect(list.statusCode).toBe(200);
    const companies = await h.db.apiKey.findMany({
      where: { id: { in: list.json().data.map((k: { id: string }) => k.id) } },
      select: { companyId: true },
    });
    expect(companies.every((c) => c.companyId === other.companyId)).toBe(true);
    expect(companies.length).toBeGreaterThan(0);
  });

  it("never writes a key or a token to the logs or the audit log", async () => {
    const token = (await exchange(h.adminKey)).json().token;
    await get("/v1/me", token);
    const audit = JSON.stringify(await h.db.auditEvent.findMany());
    for (const secret of [h.adminKey, h.readOnlyKey, token]) {
      expect(h.logs()).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
  });
});
