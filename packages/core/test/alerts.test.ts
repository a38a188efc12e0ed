// Alert storage on a real database: a rule's webhook secret is stored sealed and never read back,
// one incident fires one alert however many callers race for it, counters add up across writers,
// a (key, ip) pair is new exactly once, and a delivery attempt is taken by one worker only.

import { useCompanyDatabase } from "@keyward/db/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addAlertCounts,
  aesSecretBox,
  claimDueDeliveries,
  createAlertRule,
  createAlertRuleInputSchema,
  createKey,
  fireAlert,
  listAlerts,
  recordDeliveryOutcome,
  recordKeyIps,
  type SecretBox,
  sumAlertCounts,
  updateAlertRule,
} from "../src";

// Reversible and recognisable: enough to prove the service stores what the box sealed, never the plaintext.
const box: SecretBox = {
  seal: (plain, purpose) => `sealed:${purpose}:${Buffer.from(plain).toString("base64")}`,
  unseal: (sealed, purpose) =>
    sealed.startsWith(`sealed:${purpose}:`)
      ? Buffer.from(sealed.slice(`sealed:${purpose}:`.length), "base64").toString()
      : null,
};
const SECRET = "whsec-0123456789abcdef";
const system = { type: "system" } as const;

const t = useCompanyDatabase();
let keyId: string;

beforeAll(async () => {
  keyId = (await createKey(t.db, t.companyId, { name: "svc", scopes: ["keys:read"], environment: "live" }, system)).key
    .id;
});

const rule = (overrides: Record<string, unknown> = {}) =>
  createAlertRuleInputSchema.parse({
    name: "Bursts",
    kind: "auth_failures",
    threshold: 3,
    windowSeconds: 60,
    cooldownSeconds: 600,
    channels: [
      { type: "webhook", url: "https://hooks.example.com/hook", secret: SECRET },
      { type: "email", to: ["ops@acme.test"] },
    ],
    ...overrides,
  });

describe("alert rules", () => {
  it("stores the webhook secret sealed and shows only that one is set", async () => {
    const created = await createAlertRule(t.db, t.companyId, rule(), system, box);
    expect(created.channels[0]).toEqual({
      type: "webhook",
      url: "https://hooks.example.com/hook",
      secret: null,
      secretSet: true,
    });
    const row = await t.db.alertRule.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row.channels)).not.toContain(SECRET);
    expect(JSON.stringify(row.channels)).toContain(`sealed:alert-webhook-secret:${t.companyId}:`);
    const events = await t.db.auditEvent.findMany({ where: { companyId: t.companyId, targetId: created.id } });
    expect(events.map((e) => e.action)).toEqual(["alert_rule.created"]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it("keeps the secret of a webhook sent back without one, and refuses a new URL without one", async () => {
    const created = await createAlertRule(t.db, t.companyId, rule(), system, box);
    const before = await t.db.alertRule.findUniqueOrThrow({ where: { id: created.id } });
    await updateAlertRule(
      t.db,
      t.companyId,
      created.id,
      { name: "Renamed", channels: [{ type: "webhook", url: "https://hooks.example.com/hook", secret: null }] },
      system,
      box,
    );
    const after = await t.db.alertRule.findUniqueOrThrow({ where: { id: created.id } });
    expect((after.channels as { secretEnc: string }[])[0]?.secretEnc).toBe(
      (before.channels as { secretEnc: string }[])[0]?.secretEnc,
    );
    await expect(
      updateAlertRule(
        t.db,
        t.companyId,
        created.id,
        { channels: [{ type: "webhook", url: "https://hooks.example.com/other" }] },
        system,
        box,
      ),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("refuses a kind change that leaves the rule without the fields its kind needs", async () => {
    const created = await createAlertRule(t.db, t.companyId, rule(), system, box);
    await expect(
      updateAlertRule(t.db, t.companyId, created.id, { kind: "expiring" }, system, box),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { issues: [{ path: ["days"] }] },
    });
  });
});

describe("firing", () => {
  it("fires once when twenty callers race for the same incident, then again after the cooldown", async () => {
    const created = await createAlertRule(t.db, t.companyId, rule({ cooldownSeconds: 600 }), system, box);
    const now = new Date();
    const attempt = () =>
      fireAlert(t.db, { ruleId: created.id, subject: "company", keyId, count: 3, windowStart: now, windowEnd: now });
    const results = await Promise.all(Array.from({ length: 20 }, attempt));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await t.db.alert.count({ where: { ruleId: created.id } })).toBe(1);
    expect(await attempt()).toBeNull();

    // The cooldown passes (moved back in time rather than waited for, so a slow machine cannot blur it).
    await t.db.alertIncident.update({
      where: { ruleId_subject: { ruleId: created.id, subject: "company" } },
      data: { lastFiredAt: new Date(Date.now() - 601_000) },
    });
    const again = await Promise.all(Array.from({ length: 5 }, attempt));
    expect(again.filter((r) => r !== null)).toHaveLength(1);
    expect(await t.db.alert.count({ where: { ruleId: created.id } })).toBe(2);

    const audit = await t.db.auditEvent.count({ where: { companyId: t.companyId, action: "alert.fired", keyId } });
    expect(audit).toBeGreaterThanOrEqual(2);
  });

  it("stores the payload and one pending delivery per channel, never the secret", async () => {
    const created = await createAlertRule(t.db, t.companyId, rule(), system, box);
    const fired = await fireAlert(t.db, {
      ruleId: created.id,
      subject: keyId,
      keyId,
      count: 4,
      windowStart: new Date(Date.now() - 60_000),
      windowEnd: new Date(),
    });
    expect(fired?.payload).toMatchObject({
      id: fired?.id,
      type: "alert.fired",
      rule: { id: created.id, kind: "auth_failures", threshold: 3 },
      key: { id: keyId, name: "svc" },
      count: 4,
      window: { seconds: 60 },
    });
    const { data } = await listAlerts(t.db, t.companyId, { ruleId: created.id, limit: 10 });
    expect(data[0]?.deliveries.map((d) => [d.channelType, d.status, d.attempt])).toEqual([
      ["webhook", "pending", 1],
      ["email", "pending", 1],
    ]);
    expect(JSON.stringify(data)).not.toContain(SECRET);
  });
});

describe("shared counters", () => {
  it("sums every writer's counts in the window, and only those after the last alert", async () => {
    const created = await createAlertRule(t.db, t.companyId, rule({ cooldownSeconds: 0 }), system, box);
    const now = Math.floor(Date.now() / 1000);
    await addAlertCounts(t.db, [
      { ruleId: created.id, subject: "company", bucket: now - 100, count: 50 },
      { ruleId: created.id, subject: "company", bucket: now - 1, count: 2 },
    ]);
    await addAlertCounts(t.db, [{ ruleId: created.id, subject: "company", bucket: now - 1, count: 3 }]);
    const query = [{ ruleId: created.id, subject: "company", fromBucket: now - 10 }];
    expect(await sumAlertCounts(t.db, query)).toEqual([
      { ruleId: created.id, subject: "company", count: 5, firstBucket: now - 1 },
    ]);
    await fireAlert(t.db, {
      ruleId: created.id,
      subject: "company",
      keyId: null,
      count: 5,
      windowStart: new Date(),
      windowEnd: new Date(),
    });
    expect(await sumAlertCounts(t.db, query)).toEqual([]);
  });
});

describe("IPs seen per key", () => {
  it("reports a pair as new exactly once, with how many IPs the key had before", async () => {
    const pairs = [{ keyId, ip: "10.0.0.1" }];
    expect(await recordKeyIps(t.db, pairs)).toEqual([{ keyId, ip: "10.0.0.1", knownIps: 0 }]);
    expect(await recordKeyIps(t.db, pairs)).toEqual([]);
    const [a, b] = await Promise.all([
      recordKeyIps(t.db, [{ keyId, ip: "10.0.0.2" }]),
      recordKeyIps(t.db, [{ keyId, ip: "10.0.0.2" }]),
    ]);
    expect([...(a ?? []), ...(b ?? [])]).toEqual([{ keyId, ip: "10.0.0.2", knownIps: 1 }]);
  });
});

/** A rule with one webhook channel to `url`, fired once: its alert has one pending delivery. */
async function fireToWebhook(url: string) {
  const created = await createAlertRule(
    t.db,
    t.companyId,
    rule({ channels: [{ type: "webhook", url, secret: SECRET }] }),
    system,
    box,
  );
  const fired = await fireAlert(t.db, {
    ruleId: created.id,
    subject: "company",
    keyId: null,
    count: 3,
    windowStart: new Date(),
    windowEnd: new Date(),
  });
  if (!fired) throw new Error("the rule did not fire");
  return fired;
}

describe("deliveries", () => {
  it("gives a due attempt to one worker, and records a retry as a new attempt", async () => {
    const fired = await fireToWebhook("https://hooks.example.com/only");
    const [first, second] = await Promise.all([
      claimDueDeliveries(t.db, 100, 60_000),
      claimDueDeliveries(t.db, 100, 60_000),
    ]);
    const mine = [...(first ?? []), ...(second ?? [])].filter((d) => d.alertId === fired.id);
    expect(mine).toHaveLength(1);
    const delivery = mine[0];
    if (!delivery) throw new Error("no delivery");
    expect(delivery.channel).toMatchObject({ type: "webhook", url: "https://hooks.example.com/only" });

    await recordDeliveryOutcome(t.db, delivery, {
      ok: false,
      responseStatus: 503,
      error: "HTTP 503",
      retryAt: new Date(),
    });
    const rows = await t.db.alertDelivery.findMany({ where: { alertId: fired.id }, orderBy: { attempt: "asc" } });
    expect(rows.map((r) => [r.attempt, r.status, r.responseStatus])).toEqual([
      [1, "failed", 503],
      [2, "pending", null],
    ]);
  });
});

describe("interrupted deliveries", () => {
  it("an attempt left sending by a dead process is taken again once it is stale, not before", async () => {
    const fired = await fireToWebhook("https://hooks.example.com/stale");
    const mine = async (staleMs: number | null) =>
      (await claimDueDeliveries(t.db, 100, staleMs)).filter((d) => d.alertId === fired.id);
    expect(await mine(null)).toHaveLength(1); // now `sending`, as if its process died
    expect(await mine(60_000)).toHaveLength(0);
    await t.db.alertDelivery.updateMany({
      where: { alertId: fired.id },
      data: { attemptedAt: new Date(Date.now() - 120_000) },
    });
    expect(await mine(null)).toHaveLength(0);
    expect(await mine(60_000)).toHaveLength(1);
  });
});

describe("aesSecretBox", () => {
  it("opens what it sealed only for the same purpose, and never shows the plaintext", () => {
    const sealer = aesSecretBox(Buffer.alloc(32, 7));
    const sealed = sealer.seal(SECRET, "p:1");
    expect(sealed).not.toContain(SECRET);
    expect(sealer.unseal(sealed, "p:1")).toBe(SECRET);
    expect(sealer.unseal(sealed, "p:2")).toBeNull();
    expect(aesSecretBox(Buffer.alloc(32, 8)).unseal(sealed, "p:1")).toBeNull();
  });
});
