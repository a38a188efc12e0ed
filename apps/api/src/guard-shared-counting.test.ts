// One pipeline, one count: a key presented to the API and to the guard is counted once, wherever it
// is presented. The API and the guard here are separate pipelines on one database (and one Redis),
// as two processes would be: refusals at the guard feed the same alert rules as the API's, and the
// requests of one key at both count against its one rate limit.
import { createKey } from "@keyward/core";
import {
  type ManagedGuard,
  type RedisServer,
  startManagedGuard,
  startRedisServer,
  startUpstream,
  type Upstream,
} from "@keyward/guard/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, type Harness, startHarness } from "./test/harness";

const ALERT_TIMING = { ALERT_FLUSH_INTERVAL_MS: "100", ALERT_RULES_POLL_MS: "200" };
let redis: RedisServer;
let upstream: Upstream;
let api: Harness;
let guard: ManagedGuard;

beforeAll(async () => {
  redis = await startRedisServer();
  upstream = await startUpstream();
  // Alerts need a channel; nothing listens on port 9, the alert row is what this file checks.
  api = await startHarness({ REDIS_URL: redis.url, SMTP_URL: "smtp://127.0.0.1:9", ...ALERT_TIMING });
  guard = await startManagedGuard({
    upstream: upstream.url,
    routes: ["GET /vehicles/* -> vehicles:read"],
    shared: { db: api.db, companyId: api.companyId },
    redisUrl: redis.url,
    env: ALERT_TIMING,
  });
  // Both connected to Redis before the first request (until then a limiter counts locally).
  await api.app.keyward.redis?.ping();
});

afterAll(async () => {
  await guard?.close();
  await api?.close();
  await upstream?.close();
  await redis?.stop();
});

const atGuard = (secret: string, method = "GET") =>
  fetch(`${guard.url}/vehicles/1`, { method, headers: { authorization: `Bearer ${secret}` } });
const atApi = (secret: string) => api.app.inject({ method: "GET", url: "/v1/me", headers: bearer(secret) });

describe("the same counting wherever a key is presented", () => {
  it("429 RATE_LIMITED at either: a key with limit 4 used twice at the API and twice at the guard", async () => {
    const { secret } = await createKey(
      api.db,
      api.companyId,
      { name: "limited", scopes: ["vehicles:read"], environment: "live", rateLimit: { limit: 4, windowSeconds: 600 } },
      { type: "system" },
    );
    const remaining: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await atApi(secret);
      expect(res.statusCode).toBe(200);
      remaining.push(String(res.headers["ratelimit-remaining"]));
    }
    for (let i = 0; i < 2; i++) {
      const res = await atGuard(secret);
      expect(res.status).toBe(200);
      remaining.push(String(res.headers.get("ratelimit-remaining")));
    }
    expect(remaining).toEqual(["3", "2", "1", "0"]);
    const guardRefusal = await atGuard(secret);
    expect(guardRefusal.status).toBe(429);
    expect(((await guardRefusal.json()) as { errors: [{ code: string }] }).errors[0].code).toBe("RATE_LIMITED");
    expect((await atApi(secret)).statusCode).toBe(429);
  });

  it("an auth_failures alert rule fires from refusals at the guard alone", async () => {
    const { key, secret } = await createKey(
      api.db,
      api.companyId,
      { name: "reader", scopes: ["vehicles:read"], environment: "live" },
      { type: "system" },
    );
    const created = await api.app.inject({
      method: "POST",
      url: "/v1/alert-rules",
      headers: bearer(api.adminKey),
      payload: {
        name: "refusals of the reader",
        kind: "auth_failures",
        threshold: 5,
        windowSeconds: 60,
        keyId: key.id,
        channels: [{ type: "email", to: ["ops@acme.test"] }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ruleId = created.json().id as string;

    // 403 at the guard (a POST no rule lists), until the rule has fired: never once at the API.
    let refusals = 0;
    await vi.waitFor(
      async () => {
        expect((await atGuard(secret, "POST")).status).toBe(403);
        refusals++;
        expect(await api.db.alert.count({ where: { ruleId } })).toBe(1);
      },
      { timeout: 45_000, interval: 50 },
    );
    expect(refusals).toBeGreaterThanOrEqual(5);
    const [alert] = await api.db.alert.findMany({ where: { ruleId } });
    expect(alert?.keyId).toBe(key.id);
  }, 60_000);
});
