import { testKeyRecord } from "@keyward/auth-core/testing";
import { KeyRateLimiter, LocalWindows } from "@keyward/enforcement";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app";
import { loadEnv } from "../env";
import { bearer, type Harness, startHarness } from "../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const limitedKey = async (limit: number) => {
  const k = await h.keyWithScopes(["*"]);
  await h.db.apiKey.update({ where: { id: k.id }, data: { rateLimit: limit, rateLimitWindowSeconds: 60 } });
  return k;
};
const me = (app: Harness["app"], key: string) => app.inject({ method: "GET", url: "/v1/me", headers: bearer(key) });

describe("per-key rate limits", () => {
  it("changing a key's limit does not reset its counter", async () => {
    const k = await limitedKey(3);
    for (let i = 0; i < 3; i++) expect((await me(h.app, k.secret)).statusCode).toBe(200);
    expect((await me(h.app, k.secret)).statusCode).toBe(429);
    const patched = await h.app.inject({
      method: "PATCH",
      url: `/v1/keys/${k.id}`,
      headers: bearer(h.adminKey),
      payload: { rateLimit: { limit: 6, windowSeconds: 60 } },
    });
    expect(patched.statusCode).toBe(200);
    // 4 counted so far (the refused one too): 2 more fit under the new limit of 6, then 429.
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await me(h.app, k.secret)).statusCode);
    expect(codes).toEqual([200, 200, 429]);
  });

  it.skipIf(!process.env.REDIS_URL)("two replicas sharing Redis allow exactly the limit in total", async () => {
    const redis = new Redis(process.env.REDIS_URL as string);
    const second = await buildApp({
      db: h.db,
      env: loadEnv({ LOG_LEVEL: "silent", REDIS_URL: process.env.REDIS_URL }),
      redis,
    });
    const k = await limitedKey(10);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => me(i % 2 ? h.app : second, k.secret)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(10);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(20);
    await second.close();
    redis.disconnect();
  });

  it("falls back to per-replica limits, loudly, when Redis is unreachable", async () => {
    let logs = "";
    const { Writable } = await import("node:stream");
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk;
        done();
      },
    });
    // Nothing listens on port 9: every Redis command fails at once.
    const redis = new Redis("redis://127.0.0.1:9", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    redis.on("error", () => {});
    const app = await buildApp({
      db: h.db,
      env: loadEnv({ LOG_LEVEL: "info", REDIS_URL: "redis://127.0.0.1:9" }),
      redis,
      logStream,
    });
    const k = await limitedKey(2);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await me(app, k.secret)).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    expect(logs).toContain("rate limits are now per replica");
    expect(logs).not.toContain(k.secret);
    await app.close();
    redis.disconnect();
  });
});

describe("in-memory windows (no Redis, or Redis down)", () => {
  const key = (id: string, limit: number, windowSeconds: number) =>
    testKeyRecord({ id, companyId: "c", name: id, rateLimit: { limit, windowSeconds } });

  it("counts per key in a window that opens at the key's first request, answering synchronously", () => {
    let now = 1_000_000;
    const limiter = new KeyRateLimiter({ redis: null, log: h.app.log, now: () => now });
    const a = key("a", 2, 10);
    const results = [limiter.consume(a), limiter.consume(a), limiter.consume(a)];
    expect(results.some((r) => r instanceof Promise)).toBe(false);
    expect(results).toEqual([
      { allowed: true, limit: 2, remaining: 1, resetSeconds: 10 },
      { allowed: true, limit: 2, remaining: 0, resetSeconds: 10 },
      { allowed: false, limit: 2, remaining: 0, resetSeconds: 10 },
    ]);
    expect(limiter.consume(key("b", 2, 10))).toMatchObject({ allowed: true, remaining: 1 });
    now += 9_500;
    expect(limiter.consume(a)).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 1 });
    now += 500; // the window has ended: a new one opens with this request
    expect(limiter.consume(a)).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 10 });
  });

  it("a cost takes that many points, in memory and in Redis alike", async () => {
    const limiter = new KeyRateLimiter({ redis: null, log: h.app.log, now: () => 0 });
    expect(limiter.consume(key("cost", 5, 10), 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect(limiter.consume(key("cost", 5, 10), 3)).toMatchObject({ allowed: false, remaining: 0 });
    if (!process.env.REDIS_URL) return;
    const redis = new Redis(process.env.REDIS_URL);
    const shared = new KeyRateLimiter({ redis, log: h.app.log, prefix: `test:rl:${crypto.randomUUID()}` });
    expect(await shared.consume(key("cost", 5, 10), 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await shared.consume(key("cost", 5, 10), 3)).toMatchObject({ allowed: false, remaining: 0 });
    redis.disconnect();
  });

  it("forgets ended windows, so memory follows the keys in use", () => {
    const windows = new LocalWindows();
    for (let i = 0; i < 1000; i++) windows.consume(`k${i}`, 1, 0);
    expect(windows.consume("k0", 1, 500).count).toBe(2);
    // After the sweep at 1 s, only keys used again are kept.
    expect(windows.consume("k1", 1, 1_000).count).toBe(1);
    expect(windows.consume("k2", 1, 1_001).count).toBe(1);
    expect(windows.size()).toBe(2);
  });
});
