import { createDb } from "@keyward/db";
import { UsageBuffer } from "@keyward/enforcement";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../test/harness";

let h: Harness;
beforeAll(async () => {
  // A long interval: the test decides when to flush.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
});
afterAll(() => h.close());

async function bucketTotals(keyId: string): Promise<Record<string, number>> {
  const rows = await h.db.usageBucket.groupBy({ by: ["outcome"], where: { keyId }, _sum: { count: true } });
  return Object.fromEntries(rows.map((r) => [r.outcome, r._sum.count ?? 0]));
}

describe("usage counting", () => {
  it("counts allowed and refused requests per key in memory and writes them in one batch", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    for (let i = 0; i < 7; i++) await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(k.secret) });
    for (let i = 0; i < 3; i++)
      await h.app.inject({ method: "POST", url: "/v1/keys", headers: bearer(k.secret), payload: {} });
    // Nothing is written per request.
    expect(await h.db.usageBucket.count({ where: { keyId: k.id } })).toBe(0);
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: k.id } })).lastUsedAt).toBeNull();

    await h.app.inject({ method: "GET", url: "/v1/health" }); // no key: not counted
    await flush(h);
    expect(await bucketTotals(k.id)).toEqual({ allowed: 7, insufficient_scope: 3 });
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.lastUsedIp).toBe("127.0.0.1");

    // Refusals become one audit event per key, cause, IP and minute, with the count.
    const refused = await h.db.auditEvent.findMany({ where: { action: "request.refused", keyId: k.id } });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      reason: "INSUFFICIENT_SCOPE",
      ip: "127.0.0.1",
      fingerprint: expect.any(String),
    });
    expect(refused[0]?.metadata).toMatchObject({ count: 3 });
  });

  it("adds to existing buckets instead of overwriting them", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(k.secret) });
      await flush(h);
    }
    expect((await bucketTotals(k.id)).allowed).toBe(12);
  });

  it("a failed flush keeps its counts for the next one", async () => {
    const dead = createDb("postgresql://postgres@127.0.0.1:9/none");
    const buffer = new UsageBuffer({ db: dead, log: h.app.log });
    const key = {
      id: "00000000-0000-7000-8000-000000000001",
      companyId: h.companyId,
      companySuspended: false,
      name: "k",
      hash: "f".repeat(64),
      environment: "live" as const,
      scopes: [],
      expiresAt: null,
      revokedAt: null,
      graceEndsAt: null,
      ipAllowlist: [],
      rateLimit: null,
      metadata: null,
    };
    for (let i = 0; i < 5; i++) buffer.record(key, "VALID", "127.0.0.1");
    await buffer.flush();
    buffer.record(key, "VALID", "127.0.0.1");
    expect(buffer.pending()).toBe(6);
    await dead.$disconnect();
  });

  it("puts each request in the minute it was made in, across minute boundaries and flushes", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    const record = (await h.db.apiKey.findUniqueOrThrow({ where: { id: k.id } })) as { id: string; hash: string };
    let now = Date.UTC(2026, 10, 23, 10, 0, 59);
    const buffer = new UsageBuffer({ db: h.db, log: h.app.log, now: () => now });
    const key = {
      id: record.id,
      companyId: h.companyId,
      companySuspended: false,
      name: "k",
      hash: record.hash,
      environment: "live" as const,
      scopes: [],
      expiresAt: null,
      revokedAt: null,
      graceEndsAt: null,
      ipAllowlist: [],
      rateLimit: null,
      metadata: null,
    };
    buffer.record(key, "VALID", "10.0.0.1");
    buffer.record(key, "REVOKED", "10.0.0.1");
    now += 2_000; // 10:01:01
    buffer.record(key, "VALID", "10.0.0.2");
    buffer.record(key, "VALID", "10.0.0.2");
    expect(buffer.pending()).toBe(4);
    await buffer.flush();
    now += 60_000; // 10:02:01
    buffer.record(key, "RATE_LIMITED", "10.0.0.3");
    await buffer.flush();
    expect(buffer.pending()).toBe(0);

    const rows = await h.db.usageBucket.findMany({
      where: { keyId: k.id },
      orderBy: [{ minute: "asc" }, { outcome: "asc" }],
    });
    expect(rows.map((r) => [r.minute.toISOString().slice(11, 16), r.outcome, r.count])).toEqual([
      ["10:00", "allowed", 1],
      ["10:00", "revoked", 1],
      ["10:01", "allowed", 2],
      ["10:02", "rate_limited", 1],
    ]);
    // The last allowed use wins, not the later refusal.
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(row.lastUsedAt?.toISOString()).toBe("2026-11-23T10:01:01.000Z");
    expect(row.lastUsedIp).toBe("10.0.0.2");
  });
});

const flush = (harness: Harness) => harness.app.keyward.usage.flush();
