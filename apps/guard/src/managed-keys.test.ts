// Managed keys through the guard, on a real database: the same pipeline as the API (verifier,
// rate limiter, usage buffer, key-change feed, refusal auditing), with route rules deciding scopes.

import { createKey, revokeKey } from "@keyward/core";
import { useCompanyDatabase } from "@keyward/db/vitest";
import { type EnforcementPipeline, startEnforcementPipeline } from "@keyward/enforcement";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGuardEnv } from "./env";
import { parseRouteRule } from "./route-rules";
import { buildGuard } from "./server";
import { GUARD_TEST_SECRET } from "./testing/managed-guard";
import { json, startUpstream, type Upstream } from "./testing/upstream";

const t = useCompanyDatabase();
let upstream: Upstream;
let pipeline: EnforcementPipeline;
let guard: FastifyInstance;
let url: string;

const SECRET = GUARD_TEST_SECRET;

async function key(scopes: string[], extra: { rateLimit?: { limit: number; windowSeconds: number } } = {}) {
  const { key, secret } = await createKey(
    t.db,
    t.companyId,
    { name: `guard ${scopes.join(" ")}`, scopes, environment: "live", ...extra },
    { type: "system" },
  );
  return { id: key.id, secret };
}

beforeAll(async () => {
  upstream = await startUpstream();
  const env = loadGuardEnv({ NODE_ENV: "test", LOG_LEVEL: "warn", REDIS_URL: process.env.REDIS_URL });
  const log = pino({ level: "warn" });
  const { Redis } = await import("ioredis");
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL) : null;
  pipeline = await startEnforcementPipeline({ db: t.db, env, redis, log, companyId: t.companyId });
  guard = await buildGuard({
    upstream: new URL(upstream.url),
    authEnabled: true,
    secret: { current: () => SECRET },
    company: t.companyId,
    routes: [
      "GET /vehicles/* -> vehicles:read",
      "POST,PUT /vehicles/* -> vehicles:write",
      { method: "*", path: "/reports/*/summary", scopes: ["reports:read"] },
    ].map(parseRouteRule),
    pipeline,
    throttle: pipeline.throttle,
    env,
  });
  guard.addHook("onClose", async () => {
    await pipeline.stop();
    redis?.disconnect();
  });
  await guard.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(guard.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await guard?.close();
  await upstream?.close();
});

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe("managed keys with route rules", () => {
  it("200: a key with vehicles:read on GET /vehicles/*, by Bearer or X-API-Key; the key is not forwarded", async () => {
    const { secret } = await key(["vehicles:read"]);
    const res = await fetch(`${url}/vehicles/42`, { headers: bearer(secret) });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.url).toBe("/vehicles/42");
    expect(body.headers.authorization).toBeUndefined();
    const viaHeader = await fetch(`${url}/vehicles`, { headers: { "x-api-key": secret } });
    expect(viaHeader.status).toBe(200);
    expect((await json(viaHeader)).headers["x-api-key"]).toBeUndefined();
    // HEAD is covered by the GET rule.
    expect((await fetch(`${url}/vehicles/1`, { method: "HEAD", headers: bearer(secret) })).status).toBe(200);
  });

  it("403: the read key on POST /vehicles/* lacks vehicles:write; nothing reaches the upstream", async () => {
    const { secret } = await key(["vehicles:read"]);
    const before = upstream.seen.length;
    const res = await fetch(`${url}/vehicles/42`, { method: "POST", headers: bearer(secret), body: "{}" });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(await json(res)).toEqual({
      errors: [
        {
          code: "FORBIDDEN",
          message: "Insufficient permissions",
          details: { required: ["vehicles:write"], available: ["vehicles:read"] },
        },
      ],
    });
    expect(upstream.seen.length).toBe(before);
  });

  it("200 with a wildcard path rule and method *; 403 on a route no rule lists, even for an admin key", async () => {
    const reports = await key(["reports:read"]);
    expect(
      (await fetch(`${url}/reports/2026/summary`, { method: "PATCH", headers: bearer(reports.secret) })).status,
    ).toBe(200);
    const admin = await key(["*"]);
    const res = await fetch(`${url}/admin/users`, { headers: bearer(admin.secret) });
    expect(res.status).toBe(403);
    const body = await json(res);
    expect(body.errors[0].code).toBe("FORBIDDEN");
    expect(body.errors[0].details).toMatchObject({ required: [], path: "/admin/users" });
  });

  it("403: dot segments and escapes cannot dodge a rule (/vehicles/../admin, /vehicle%73/1 as POST); 400 for ..%2F", async () => {
    const { secret } = await key(["vehicles:read"]);
    // An escaped slash is refused outright (paths.test.ts): upstreams disagree on what it means.
    expect((await fetch(`${url}/vehicles/..%2Fadmin`, { headers: bearer(secret) })).status).toBe(400);
    const raw = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = raw.request(`${url}/vehicles/../admin`, { headers: bearer(secret) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await fetch(`${url}/vehicle%73/1`, { method: "POST", headers: bearer(secret) })).status).toBe(403);
  });

  // How fast a revocation arrives is bench figure 6; here only that it arrives without a restart.
  it("401: a revoked key is refused once the key-change feed delivers it, and unknown keys too", async () => {
    const { id, secret } = await key(["vehicles:read"]);
    expect((await fetch(`${url}/vehicles/1`, { headers: bearer(secret) })).status).toBe(200);
    await revokeKey(t.db, t.companyId, id, "test", { type: "system" });
    await expect
      .poll(async () => (await fetch(`${url}/vehicles/1`, { headers: bearer(secret) })).status, {
        timeout: 15_000,
        interval: 20,
      })
      .toBe(401);
    const unknown = await fetch(`${url}/vehicles/1`, { headers: bearer(`${secret.slice(0, -8)}AAAAAAAA`) });
    expect(unknown.status).toBe(401);
  });

  it("401: a key of another company does not exist for this guard", async () => {
    const other = await t.db.company.create({ data: { name: "Other" } });
    const { secret } = await createKey(
      t.db,
      other.id,
      { name: "other", scopes: ["*"], environment: "live" },
      { type: "system" },
    );
    expect((await fetch(`${url}/vehicles/1`, { headers: bearer(secret) })).status).toBe(401);
  });

  it("429: a key over its rate limit, with the contract's headers", async () => {
    const { secret } = await key(["vehicles:read"], { rateLimit: { limit: 2, windowSeconds: 60 } });
    expect((await fetch(`${url}/vehicles/1`, { headers: bearer(secret) })).status).toBe(200);
    const second = await fetch(`${url}/vehicles/1`, { headers: bearer(secret) });
    expect(second.status).toBe(200);
    expect(second.headers.get("ratelimit-limit")).toBe("2");
    expect(second.headers.get("ratelimit-remaining")).toBe("0");
    const third = await fetch(`${url}/vehicles/1`, { headers: bearer(secret) });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBeTruthy();
    const body = await json(third);
    expect(body.errors[0].code).toBe("RATE_LIMITED");
    expect(body.errors[0].details?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("403 IP_NOT_ALLOWED: a key whose allowlist leaves out the caller", async () => {
    const { secret } = await createKey(
      t.db,
      t.companyId,
      { name: "office only", scopes: ["vehicles:read"], environment: "live", ipAllowlist: ["10.0.0.0/8"] },
      { type: "system" },
    );
    const res = await fetch(`${url}/vehicles/1`, { headers: bearer(secret) });
    expect(res.status).toBe(403);
    expect((await json(res)).errors[0].code).toBe("IP_NOT_ALLOWED");
  });

  it("usage is counted and refusals audited, as the API does", async () => {
    const { id, secret } = await key(["vehicles:read"]);
    for (let i = 0; i < 3; i++)
      expect((await fetch(`${url}/vehicles/1`, { headers: bearer(secret) })).status).toBe(200);
    expect((await fetch(`${url}/vehicles/1`, { method: "PUT", headers: bearer(secret) })).status).toBe(403);
    await pipeline.usage.flush();
    const buckets = await t.db.usageBucket.findMany({ where: { keyId: id } });
    const count = (outcome: string) => buckets.filter((b) => b.outcome === outcome).reduce((n, b) => n + b.count, 0);
    expect(count("allowed")).toBe(3);
    expect(count("insufficient_scope")).toBe(1);
    const row = await t.db.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.lastUsedAt).not.toBeNull();
    const refusals = await t.db.auditEvent.findMany({
      where: { companyId: t.companyId, keyId: id, action: "request.refused" },
    });
    expect(refusals.map((e) => [e.reason, (e.metadata as { count: number }).count])).toEqual([
      ["INSUFFICIENT_SCOPE", 1],
    ]);
  });

  it("the static secret still grants every route, rules or not", async () => {
    expect((await fetch(`${url}/admin/users`, { headers: { "keyward-auth-key": SECRET } })).status).toBe(200);
  });
});
