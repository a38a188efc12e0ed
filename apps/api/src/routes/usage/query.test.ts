import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
let keyA: { id: string; secret: string };
let keyB: { id: string; secret: string };
beforeAll(async () => {
  // Usage is flushed only when a test says so: results stay exact, and no flush races a write.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
  keyA = await h.keyWithScopes(["vehicles:read"]);
  keyB = await h.keyWithScopes(["vehicles:read"]);
  // A fixed past day, written as the usage buffer writes it: one row per key, minute and outcome.
  const at = (hhmm: string) => new Date(`2026-03-10T${hhmm}:00.000Z`);
  await h.db.usageBucket.createMany({
    data: [
      { companyId: h.companyId, keyId: keyA.id, minute: at("10:01"), outcome: "allowed", count: 3 },
      { companyId: h.companyId, keyId: keyA.id, minute: at("10:59"), outcome: "allowed", count: 4 },
      { companyId: h.companyId, keyId: keyA.id, minute: at("10:59"), outcome: "revoked", count: 2 },
      { companyId: h.companyId, keyId: keyA.id, minute: at("11:00"), outcome: "rate_limited", count: 5 },
      { companyId: h.companyId, keyId: keyB.id, minute: at("10:30"), outcome: "allowed", count: 10 },
      { companyId: h.companyId, keyId: keyB.id, minute: at("13:15"), outcome: "ip_not_allowed", count: 1 },
    ],
  });
});
afterAll(() => h.close());

const usage = (key: string | null, query = "") =>
  h.app.inject({ method: "GET", url: `/v1/usage${query}`, headers: key ? bearer(key) : {} });

const zeros = {
  revoked: 0,
  expired: 0,
  company_suspended: 0,
  insufficient_scope: 0,
  ip_not_allowed: 0,
  rate_limited: 0,
};
const DAY = "from=2026-03-10T10:00:00Z&to=2026-03-10T14:00:00Z";

describe("GET /v1/usage", () => {
  it("200 per hour for the company: allowed, denied and denied by reason, one bucket per hour", async () => {
    const res = await usage(h.readOnlyKey, `?${DAY}&granularity=hour`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      keyId: null,
      granularity: "hour",
      from: "2026-03-10T10:00:00.000Z",
      to: "2026-03-10T14:00:00.000Z",
      data: [
        { bucket: "2026-03-10T10:00:00.000Z", allowed: 17, denied: 2, deniedByReason: { ...zeros, revoked: 2 } },
        { bucket: "2026-03-10T11:00:00.000Z", allowed: 0, denied: 5, deniedByReason: { ...zeros, rate_limited: 5 } },
        { bucket: "2026-03-10T12:00:00.000Z", allowed: 0, denied: 0, deniedByReason: zeros },
        { bucket: "2026-03-10T13:00:00.000Z", allowed: 0, denied: 1, deniedByReason: { ...zeros, ip_not_allowed: 1 } },
      ],
    });
  });

  it("200 for one key only", async () => {
    const res = await usage(h.adminKey, `?${DAY}&keyId=${keyA.id}`);
    expect(res.json().keyId).toBe(keyA.id);
    expect(res.json().data.map((p: { allowed: number; denied: number }) => [p.allowed, p.denied])).toEqual([
      [7, 2],
      [0, 5],
      [0, 0],
      [0, 0],
    ]);
  });

  it("200 per minute and per day, with buckets rounded to whole units", async () => {
    const minutes = await usage(h.adminKey, `?from=2026-03-10T10:58:30Z&to=2026-03-10T11:00:30Z&granularity=minute`);
    expect(minutes.json()).toMatchObject({ from: "2026-03-10T10:58:00.000Z", to: "2026-03-10T11:01:00.000Z" });
    expect(
      minutes
        .json()
        .data.map((p: { bucket: string; allowed: number; denied: number }) => [p.bucket, p.allowed, p.denied]),
    ).toEqual([
      ["2026-03-10T10:58:00.000Z", 0, 0],
      ["2026-03-10T10:59:00.000Z", 4, 2],
      ["2026-03-10T11:00:00.000Z", 0, 5],
    ]);

    const days = await usage(h.adminKey, "?from=2026-03-09T00:00:00Z&to=2026-03-11T00:00:00Z&granularity=day");
    expect(days.json().data).toEqual([
      { bucket: "2026-03-09T00:00:00.000Z", allowed: 0, denied: 0, deniedByReason: zeros },
      {
        bucket: "2026-03-10T00:00:00.000Z",
        allowed: 17,
        denied: 8,
        deniedByReason: { ...zeros, revoked: 2, rate_limited: 5, ip_not_allowed: 1 },
      },
    ]);
  });

  it("200 counts real traffic once the usage buffer has flushed (default: the last 24 hours, per hour)", async () => {
    const live = await h.keyWithScopes(["keys:read"]);
    for (let i = 0; i < 3; i++) await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(live.secret) });
    await h.app.inject({ method: "GET", url: "/v1/usage", headers: bearer(live.secret) }); // lacks usage:read
    await h.app.keyward.usage.flush();
    const res = await usage(h.adminKey, `?keyId=${live.id}`);
    expect(res.statusCode).toBe(200);
    const { data } = res.json();
    expect(data.length).toBeGreaterThanOrEqual(24);
    expect(data.length).toBeLessThanOrEqual(26);
    // Summed, in case the requests straddled the turn of an hour.
    const sum = (pick: (p: { allowed: number; denied: number; deniedByReason: Record<string, number> }) => number) =>
      data.reduce((n: number, p: Parameters<typeof pick>[0]) => n + pick(p), 0);
    expect(sum((p) => p.allowed)).toBe(3);
    expect(sum((p) => p.denied)).toBe(1);
    expect(sum((p) => p.deniedByReason.insufficient_scope ?? 0)).toBe(1);
  });

  it.each<[string, string]>([
    ["an unknown granularity", "?granularity=week"],
    ["a keyId that is not a UUID", "?keyId=abc"],
    ["a date that is not ISO 8601", "?from=yesterday"],
    ["from after to", "?from=2026-03-10T12:00:00Z&to=2026-03-10T11:00:00Z"],
    ["from equal to to", "?from=2026-03-10T12:00:00Z&to=2026-03-10T12:00:00Z"],
    ["more than a day per minute", "?granularity=minute&from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:01Z"],
    ["more than 31 days per hour", "?granularity=hour&from=2026-01-01T00:00:00Z&to=2026-02-02T00:00:00Z"],
    ["more than 400 days per day", "?granularity=day&from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"],
    ["a default range too long for the given from", "?granularity=minute&from=2020-01-01T00:00:00Z"],
    ["an unknown parameter", "?key=abc"],
  ])("400 VALIDATION_FAILED for %s", async (_label, query) => {
    const res = await usage(h.adminKey, query);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("401 without a key", async () => {
    expect((await usage(null, `?${DAY}`)).statusCode).toBe(401);
  });

  it("403 without usage:read", async () => {
    const reader = await h.keyWithScopes(["keys:read", "audit:read"]);
    const res = await usage(reader.secret, `?${DAY}`);
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].details.required).toEqual(["usage:read"]);
  });

  it("404 for an unknown keyId and for another company's key, with the same body", async () => {
    const other = await h.otherCompany();
    const unknown = await usage(h.adminKey, `?${DAY}&keyId=00000000-0000-7000-8000-000000000000`);
    const foreign = await usage(other.adminKey, `?${DAY}&keyId=${keyA.id}`);
    expect(unknown.statusCode).toBe(404);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual(unknown.json());
  });

  it("cross-tenant: another company sees only its own (empty) usage over the same range", async () => {
    const other = await h.otherCompany();
    const res = await usage(other.adminKey, `?${DAY}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(4);
    for (const point of res.json().data) expect(point).toMatchObject({ allowed: 0, denied: 0 });
  });
});
