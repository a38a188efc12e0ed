// Alerts on two real API processes sharing one database (and Redis when REDIS_URL is set): counts
// from both replicas add up to one incident that neither saw alone, every kind fires exactly once
// per incident although both replicas detect it, and each alert is delivered once (signature
// verified, mail received), never by both delivery workers.

import { beforeAll, describe, expect, it, vi } from "vitest";
import { useAlertReceivers } from "../test/alert-receivers";
import type { ApiProcess } from "../test/api-process";
import { useTwoReplicas } from "../test/replicas";

const SECRET = "whsec_replicas_0123456789";
const COOLDOWN_SECONDS = 3;

// Before the replicas, so that they stop first.
const receivers = useAlertReceivers(SECRET);
const r = useTwoReplicas(() => ({
  ...receivers.env(),
  TRUST_PROXY: "127.0.0.1",
  ALERT_FLUSH_INTERVAL_MS: "150",
  ALERT_RULES_POLL_MS: "200",
  ALERT_EXPIRY_INTERVAL_MS: "150",
  ALERT_DELIVERY_POLL_MS: "100",
  ALERT_RETRY_BASE_MS: "200",
}));
let a: ApiProcess;
let b: ApiProcess;
beforeAll(() => {
  [a, b] = r.replicas;
});

const headers = (key: string, ip?: string) => ({
  authorization: `Bearer ${key}`,
  "content-type": "application/json",
  ...(ip ? { "x-forwarded-for": ip } : {}),
});
// Pauses are for what must NOT happen (no second alert), for cooldowns to pass, and for the replicas'
// rule caches to reload (another process: nothing to ask). What must happen is waited for with vi.waitFor.
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WAIT = { timeout: 15_000, interval: 50 };

async function post<T>(replica: ApiProcess, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${replica.url}${path}`, {
    method: "POST",
    headers: headers(r.adminKey),
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<T>;
}

async function createKey(fields: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  return post(a, "/v1/keys", { name: "svc", scopes: ["keys:read"], environment: "live", ...fields });
}

/** Created through A; B learns of it by Redis or by its poll. */
async function createRule(path: string, fields: Record<string, unknown>): Promise<string> {
  const rule = await post<{ id: string }>(a, "/v1/alert-rules", {
    name: `rule ${path}`,
    cooldownSeconds: COOLDOWN_SECONDS,
    channels: receivers.channels(path),
    ...fields,
  });
  await pause(500);
  return rule.id;
}

const alertCount = (ruleId: string) => r.db.alert.count({ where: { ruleId } });
const hooksTo = (path: string) => receivers.webhooks.received.filter((r) => r.path === path);
const mailsTo = receivers.mailsTo;

/** Exactly `n` alerts, each delivered once per channel, signature verified, and still `n` a while later. */
async function expectAlerts(ruleId: string, path: string, n: number): Promise<void> {
  await vi.waitFor(async () => expect(await alertCount(ruleId), `alerts of ${path}`).toBeGreaterThanOrEqual(n), WAIT);
  await vi.waitFor(() => {
    expect(hooksTo(path).length, `webhooks to ${path}`).toBeGreaterThanOrEqual(n);
    expect(mailsTo(path).length, `mails to ${path}`).toBeGreaterThanOrEqual(n);
  }, WAIT);
  await pause(800); // several flushes, job runs and worker passes on both replicas
  expect(await alertCount(ruleId)).toBe(n);
  expect(hooksTo(path)).toHaveLength(n);
  expect(hooksTo(path).every((r) => r.verified)).toBe(true);
  expect(new Set(hooksTo(path).map((r) => r.json.id)).size).toBe(n);
  expect(mailsTo(path)).toHaveLength(n);
}

/** Sends the same request to A and to B, `times` each, interleaved. */
async function onBoth(times: number, path: string, key: string, ip?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    for (const replica of [a, b]) {
      statuses.push((await fetch(`${replica.url}${path}`, { headers: headers(key, ip) })).status);
    }
  }
  return statuses;
}

describe(`alerts on two API replicas (${process.env.REDIS_URL ? "with" : "without"} Redis)`, () => {
  it("auth_failures: 6 refusals on each replica reach a threshold of 10 once; again after the cooldown", async () => {
    const key = await createKey();
    const ruleId = await createRule("/auth", {
      kind: "auth_failures",
      threshold: 10,
      windowSeconds: 30,
      keyId: key.id,
    });
    expect(await onBoth(6, "/v1/audit-events", key.key)).toEqual(Array(12).fill(403));
    await expectAlerts(ruleId, "/auth", 1);
    expect(hooksTo("/auth")[0]?.json.count).toBeGreaterThanOrEqual(10);

    await pause(COOLDOWN_SECONDS * 1000);
    await onBoth(6, "/v1/audit-events", key.key);
    await expectAlerts(ruleId, "/auth", 2);
  });

  it("request_spike: 6 requests on each replica are more than 10 once", async () => {
    const key = await createKey({ environment: "test" });
    const ruleId = await createRule("/spike", {
      kind: "request_spike",
      threshold: 10,
      windowSeconds: 30,
      environment: "test",
    });
    await onBoth(6, "/v1/me", key.key);
    await expectAlerts(ruleId, "/spike", 1);
  });

  it("rate_limited: refusals for the key's limit on both replicas fire once", async () => {
    const key = await createKey({ rateLimit: { limit: 1, windowSeconds: 60 } });
    const ruleId = await createRule("/limited", {
      kind: "rate_limited",
      threshold: 6,
      windowSeconds: 30,
      keyId: key.id,
    });
    const statuses = await onBoth(5, "/v1/me", key.key);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8);
    await expectAlerts(ruleId, "/limited", 1);
  });

  it("new_ip: the same new IP on both replicas at once is one alert; another after the cooldown is a second", async () => {
    const key = await createKey();
    const ruleId = await createRule("/ip", { kind: "new_ip", keyId: key.id });
    await onBoth(2, "/v1/me", key.key, "10.2.0.1");
    await pause(500);
    expect(await alertCount(ruleId)).toBe(0);
    await Promise.all([onBoth(3, "/v1/me", key.key, "10.2.0.2"), onBoth(3, "/v1/me", key.key, "10.2.0.2")]);
    await expectAlerts(ruleId, "/ip", 1);
    expect(hooksTo("/ip")[0]?.json).toMatchObject({ ip: "10.2.0.2" });

    await pause(COOLDOWN_SECONDS * 1000);
    await onBoth(1, "/v1/me", key.key, "10.2.0.3");
    await expectAlerts(ruleId, "/ip", 2);
  });

  it("expiring: both replicas' jobs find the key; one alert", async () => {
    const key = await createKey({ expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    const ruleId = await createRule("/expiring", { kind: "expiring", days: 7, keyId: key.id, cooldownSeconds: 3600 });
    await expectAlerts(ruleId, "/expiring", 1);
  });

  it("no secret in either replica's output", () => {
    expect(a.output() + b.output()).not.toContain(SECRET);
  });
});
