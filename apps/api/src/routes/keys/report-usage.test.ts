import { createKey, createOperatorKey } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
let other: { companyId: string; adminKey: string };
beforeAll(async () => {
  // Usage is flushed only when a test says so: counts stay exact, and no flush races a write.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
  other = await h.otherCompany();
});
afterAll(() => h.close());

const report = (credential: string, usage: unknown) =>
  h.app.inject({ method: "POST", url: "/v1/keys/usage", headers: bearer(credential), payload: { usage } });

/** The key's totals over the last day, as `GET /v1/usage` shows them after a flush. */
async function usageOf(keyId: string, credential = h.adminKey) {
  await h.app.keyward.usage.flush();
  const res = await h.app.inject({
    method: "GET",
    url: `/v1/usage?keyId=${keyId}&granularity=hour`,
    headers: bearer(credential),
  });
  expect(res.statusCode).toBe(200);
  const data = res.json().data as { allowed: number; denied: number; deniedByReason: Record<string, number> }[];
  const revoked = data.reduce((n, b) => n + (b.deniedByReason.revoked ?? 0), 0);
  return { allowed: data.reduce((n, b) => n + b.allowed, 0), denied: data.reduce((n, b) => n + b.denied, 0), revoked };
}

describe("POST /v1/keys/usage", () => {
  it("202: reported counts show in GET /v1/usage, last use and the refusal summaries", async () => {
    const caller = await h.keyWithScopes(["keys:verify"]);
    const target = await h.keyWithScopes(["vehicles:read"]);
    const res = await report(caller.secret, [
      { keyId: target.id, code: "VALID", count: 250_000, ip: "198.51.100.7" },
      { keyId: target.id, code: "VALID", count: 5 },
      { keyId: target.id, code: "REVOKED", count: 3, ip: "203.0.113.9" },
    ]);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({});
    expect(await usageOf(target.id)).toEqual({ allowed: 250_005, denied: 3, revoked: 3 });
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: target.id } });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
    expect(row.lastUsedIp).toBeNull(); // the last entry counted without an IP
    const refusals = await h.db.auditEvent.findMany({ where: { keyId: target.id, action: "request.refused" } });
    expect(refusals.map((e) => e.ip)).toEqual(["203.0.113.9"]);
  });

  it("202: another company's key and an unknown id are skipped, with the same answer", async () => {
    const recorded = h.app.keyward.usage.recorded;
    const theirs = await h.keyWithScopes(["vehicles:read"]);
    const res = await report(other.adminKey, [
      { keyId: theirs.id, code: "VALID", count: 7 },
      { keyId: "00000000-0000-4000-8000-000000000000", code: "VALID", count: 7 },
    ]);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({});
    // Only the caller's own request was counted.
    expect(h.app.keyward.usage.recorded).toBe(recorded + 1);
    expect(await usageOf(theirs.id)).toEqual({ allowed: 0, denied: 0, revoked: 0 });
  });

  it("202: an operator key reports for the keys of every company", async () => {
    const { secret } = await createOperatorKey(h.db, { name: "sdk", scopes: ["keys:verify"] }, null);
    const ours = await h.keyWithScopes(["vehicles:read"]);
    const { key: theirs } = await createKey(
      h.db,
      other.companyId,
      { name: "theirs", scopes: ["vehicles:read"], environment: "live" },
      { type: "system" },
    );
    const res = await report(secret, [
      { keyId: ours.id, code: "VALID", count: 2 },
      { keyId: theirs.id, code: "VALID", count: 4 },
    ]);
    expect(res.statusCode).toBe(202);
    expect(await usageOf(ours.id)).toMatchObject({ allowed: 2 });
    expect(await usageOf(theirs.id, other.adminKey)).toMatchObject({ allowed: 4 });
  });

  it("202 for a full report of 1000 entries with IPv6 addresses, within its body limit", async () => {
    const entry = { keyId: "00000000-0000-4000-8000-000000000000", code: "INSUFFICIENT_SCOPE", count: 1_000_000 };
    const usage = Array.from({ length: 1000 }, () => ({ ...entry, ip: "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" }));
    expect((await report(h.adminKey, usage)).statusCode).toBe(202);
  });

  it.each<[string, unknown]>([
    ["a count of 0", [{ keyId: "00000000-0000-4000-8000-000000000000", code: "VALID", count: 0 }]],
    ["a count above 1,000,000", [{ keyId: "00000000-0000-4000-8000-000000000000", code: "VALID", count: 1_000_001 }]],
    [
      "RATE_LIMITED (judged where the shared count lives)",
      [{ keyId: "00000000-0000-4000-8000-000000000000", code: "RATE_LIMITED", count: 1 }],
    ],
    ["a key id that is not a uuid", [{ keyId: "kw_live_x", code: "VALID", count: 1 }]],
    [
      "an ip that is not an address",
      [{ keyId: "00000000-0000-4000-8000-000000000000", code: "VALID", count: 1, ip: "x" }],
    ],
    [
      "more than 1000 entries",
      Array.from({ length: 1001 }, () => ({ keyId: "00000000-0000-4000-8000-000000000000", code: "VALID", count: 1 })),
    ],
  ])("400 VALIDATION_FAILED for %s", async (_label, usage) => {
    const res = await report(h.adminKey, usage);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("403 without keys:verify; nothing is counted", async () => {
    const target = await h.keyWithScopes(["vehicles:read"]);
    const res = await report(h.readOnlyKey, [{ keyId: target.id, code: "VALID", count: 9 }]);
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0]).toMatchObject({ code: "FORBIDDEN", details: { required: ["keys:verify"] } });
    expect(await usageOf(target.id)).toEqual({ allowed: 0, denied: 0, revoked: 0 });
  });
});
