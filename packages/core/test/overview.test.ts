// The Overview's two reads on a real database: the busiest keys over a window (allowed and refused
// counts from usage_buckets, this company's only) and the keys that stop within the expiring window,
// soonest first, leaving out keys that no longer work.
import { useCompanyDatabase } from "@keyward/db/vitest";
import { describe, expect, it } from "vitest";
import { busiestKeys, createKey, keysEndingSoon, revokeKey, rotateKey } from "../src";

const t = useCompanyDatabase("Overview");
const system = { type: "system" } as const;
const DAY = 86_400_000;
const NOW = new Date("2026-11-27T12:00:00.000Z");

const key = (name: string, extra: { expiresAt?: Date } = {}) =>
  createKey(t.db, t.companyId, { name, scopes: ["keys:read"], environment: "live", ...extra }, system);

async function count(companyId: string, keyId: string, minute: Date, outcome: string, n: number) {
  await t.db.$executeRaw`INSERT INTO usage_buckets (company_id, key_id, minute, outcome, count)
    VALUES (${companyId}::uuid, ${keyId}::uuid, ${minute}::timestamptz, ${outcome}, ${n})`;
}

describe("busiestKeys", () => {
  it("ranks this company's keys by requests since the cut-off, with allowed and refused apart", async () => {
    const [quiet, busy, old] = await Promise.all([key("quiet"), key("busy"), key("busy long ago")]);
    const recent = new Date(NOW.getTime() - 3_600_000);
    await count(t.companyId, busy.key.id, recent, "allowed", 40);
    await count(t.companyId, busy.key.id, recent, "rate_limited", 7);
    await count(t.companyId, quiet.key.id, recent, "allowed", 3);
    await count(t.companyId, old.key.id, new Date(NOW.getTime() - 3 * DAY), "allowed", 1000);
    // Another company's key, busier than all: never listed.
    const other = await t.db.company.create({ data: { name: "Elsewhere" } });
    const theirs = await createKey(t.db, other.id, { name: "theirs", scopes: ["*"], environment: "live" }, system);
    await count(other.id, theirs.key.id, recent, "allowed", 5000);

    const top = await busiestKeys(t.db, t.companyId, new Date(NOW.getTime() - DAY));
    expect(top.map((k) => [k.name, k.allowed, k.denied])).toEqual([
      ["busy", 40, 7],
      ["quiet", 3, 0],
    ]);
    expect(top[0]?.fingerprint).toBe(busy.key.fingerprint);
    expect(await busiestKeys(t.db, t.companyId, new Date(NOW.getTime() - DAY), 1)).toHaveLength(1);
  });
});

describe("keysEndingSoon", () => {
  it("lists working keys that stop within 7 days, soonest first: expiries and rotation grace ends", async () => {
    const inTwoDays = await key("expires in 2 days", { expiresAt: new Date(NOW.getTime() + 2 * DAY) });
    await key("expires in 30 days", { expiresAt: new Date(NOW.getTime() + 30 * DAY) });
    await key("expired", { expiresAt: new Date(NOW.getTime() - DAY) });
    const revoked = await key("revoked, would expire", { expiresAt: new Date(NOW.getTime() + DAY) });
    await revokeKey(t.db, t.companyId, revoked.key.id, undefined, system);
    const rotated = await key("rotated");
    await rotateKey(t.db, t.companyId, rotated.key.id, 3600, system, NOW);

    const ending = await keysEndingSoon(t.db, t.companyId, NOW);
    expect(ending.map((k) => k.name)).toEqual(["rotated", "expires in 2 days"]);
    expect(ending[1]?.id).toBe(inTwoDays.key.id);
  });
});
