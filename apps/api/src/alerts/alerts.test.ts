// Alerts end to end on one API (real database, real HTTP receiver, real SMTP server): each of the five
// kinds fires exactly once per incident, and again for a new incident after its cooldown; each alert
// reaches the webhook with a signature the receiver verifies with node:crypto, and the mailbox; a
// failing receiver gets retries with exponential backoff, each attempt a row; no secret anywhere.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useAlertReceivers } from "../test/alert-receivers";
import { bearer, type Harness, startHarness } from "../test/harness";

const SECRET = "whsec_alerts_test_0123456789";
const COOLDOWN_SECONDS = 2;

// Before the harness, so that it stops first.
const receivers = useAlertReceivers(SECRET);
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    ...receivers.env(),
    ALERT_FLUSH_INTERVAL_MS: "100",
    ALERT_RULES_POLL_MS: "200",
    ALERT_EXPIRY_INTERVAL_MS: "200",
    ALERT_DELIVERY_POLL_MS: "100",
    ALERT_RETRY_BASE_MS: "200",
    ALERT_MAX_ATTEMPTS: "4",
    EVENTS_POLL_INTERVAL_MS: "100",
  });
});
afterAll(async () => {
  h?.app.server.closeAllConnections();
  await h?.close();
});

async function createRule(path: string, fields: Record<string, unknown>): Promise<string> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/alert-rules",
    headers: bearer(h.adminKey),
    payload: {
      name: `rule ${path}`,
      cooldownSeconds: COOLDOWN_SECONDS,
      channels: receivers.channels(path),
      ...fields,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const alertsOf = (ruleId: string) => h.db.alert.findMany({ where: { ruleId }, orderBy: { firedAt: "asc" } });
const hooksTo = (path: string) => receivers.webhooks.received.filter((r) => r.path === path && r.status < 300);
const mailsTo = receivers.mailsTo;
// Pauses are for what must NOT happen (no second alert, no fifth attempt) and for cooldowns to pass:
// nothing to poll for. What must happen is waited for with vi.waitFor.
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WAIT = { timeout: 10_000, interval: 50 };

/** After an incident: exactly `n` alerts, each delivered to the webhook (signature verified) and by email. */
async function expectAlerts(ruleId: string, path: string, n: number): Promise<void> {
  await vi.waitFor(
    async () => expect((await alertsOf(ruleId)).length, `alerts of ${path}`).toBeGreaterThanOrEqual(n),
    WAIT,
  );
  await vi.waitFor(() => {
    expect(hooksTo(path).length, `webhooks to ${path}`).toBeGreaterThanOrEqual(n);
    expect(mailsTo(path).length, `mails to ${path}`).toBeGreaterThanOrEqual(n);
  }, WAIT);
  // Several more flushes and job runs: still exactly n.
  await pause(600);
  const alerts = await alertsOf(ruleId);
  expect(alerts).toHaveLength(n);
  const hooks = hooksTo(path);
  expect(hooks).toHaveLength(n);
  expect(hooks.every((r) => r.verified)).toBe(true);
  expect(hooks.map((r) => r.json.id).sort()).toEqual(alerts.map((a) => a.id).sort());
  expect(mailsTo(path)).toHaveLength(n);
  for (const alert of alerts) expect(mailsTo(path).some((m) => m.raw.includes(alert.id))).toBe(true);
}

describe("each kind fires once per incident, and again after the cooldown", () => {
  it("auth_failures: a burst of refused requests of one key", async () => {
    const key = await h.keyWithScopes(["keys:read"]);
    const ruleId = await createRule("/auth", { kind: "auth_failures", threshold: 5, windowSeconds: 30, keyId: key.id });
    const refused = () => h.app.inject({ method: "GET", url: "/v1/audit-events", headers: bearer(key.secret) });
    for (let i = 0; i < 12; i++) expect((await refused()).statusCode).toBe(403);
    await expectAlerts(ruleId, "/auth", 1);
    const [hook] = hooksTo("/auth");
    expect(hook?.json).toMatchObject({
      type: "alert.fired",
      test: false,
      rule: { id: ruleId, kind: "auth_failures", threshold: 5, windowSeconds: 30 },
      key: { id: key.id, name: "scoped keys:read" },
    });
    expect((hook?.json.count as number) >= 5).toBe(true);

    await pause(COOLDOWN_SECONDS * 1000);
    for (let i = 0; i < 5; i++) await refused();
    await expectAlerts(ruleId, "/auth", 2);
  });

  it("request_spike: more than N requests of all test-environment keys", async () => {
    const key = await h.keyWithScopes(["keys:read"], "test");
    const ruleId = await createRule("/spike", {
      kind: "request_spike",
      threshold: 8,
      windowSeconds: 30,
      environment: "test",
    });
    const request = () => h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(key.secret) });
    for (let i = 0; i < 8; i++) await request();
    await pause(500);
    expect(await alertsOf(ruleId)).toHaveLength(0); // 8 is not more than 8
    for (let i = 0; i < 10; i++) await request();
    await expectAlerts(ruleId, "/spike", 1);
    expect(hooksTo("/spike")[0]?.json.key).toMatchObject({ id: key.id });

    await pause(COOLDOWN_SECONDS * 1000);
    for (let i = 0; i < 9; i++) await request();
    await expectAlerts(ruleId, "/spike", 2);
  });

  it("rate_limited: a key hits its rate limit N times", async () => {
    const created = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: bearer(h.adminKey),
      payload: {
        name: "limited",
        scopes: ["keys:read"],
        environment: "live",
        rateLimit: { limit: 1, windowSeconds: 60 },
      },
    });
    const key = created.json() as { id: string; key: string };
    const ruleId = await createRule("/limited", {
      kind: "rate_limited",
      threshold: 3,
      windowSeconds: 30,
      keyId: key.id,
    });
    const request = () => h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(key.key) });
    expect((await request()).statusCode).toBe(200);
    for (let i = 0; i < 6; i++) expect((await request()).statusCode).toBe(429);
    await expectAlerts(ruleId, "/limited", 1);

    await pause(COOLDOWN_SECONDS * 1000);
    for (let i = 0; i < 3; i++) await request();
    await expectAlerts(ruleId, "/limited", 2);
  });

  it("new_ip: a key used from an IP it was never seen from", async () => {
    const key = await h.keyWithScopes(["keys:read"]);
    const ruleId = await createRule("/ip", { kind: "new_ip", keyId: key.id });
    const from = (ip: string) =>
      h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(key.secret), remoteAddress: ip });
    for (let i = 0; i < 3; i++) await from("10.1.0.1"); // its first IP: the baseline
    await pause(500);
    expect(await alertsOf(ruleId)).toHaveLength(0);
    for (let i = 0; i < 3; i++) await from("10.1.0.2");
    await expectAlerts(ruleId, "/ip", 1);
    expect(hooksTo("/ip")[0]?.json).toMatchObject({ ip: "10.1.0.2", key: { id: key.id } });
    await from("10.1.0.1");
    await from("10.1.0.2");
    await pause(400);
    expect(await alertsOf(ruleId)).toHaveLength(1);

    await pause(COOLDOWN_SECONDS * 1000);
    await from("10.1.0.3");
    await expectAlerts(ruleId, "/ip", 2);
  });

  it("expiring: a key expiring within D days, found by the periodic job", async () => {
    const created = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: bearer(h.adminKey),
      payload: {
        name: "expires soon",
        scopes: ["keys:read"],
        environment: "live",
        expiresAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
    });
    const keyId = created.json().id as string;
    // A longer cooldown here: the job runs every 200 ms, and the key stays expiring.
    const ruleId = await createRule("/expiring", { kind: "expiring", days: 7, keyId, cooldownSeconds: 5 });
    await expectAlerts(ruleId, "/expiring", 1);
    expect(hooksTo("/expiring")[0]?.json).toMatchObject({ key: { id: keyId }, expiresAt: expect.any(String) });
    // Still expiring after the cooldown: the reminder is a new alert.
    await vi.waitFor(async () => expect(await alertsOf(ruleId), "the reminder").toHaveLength(2), WAIT);
    await expectAlerts(ruleId, "/expiring", 2);
  });
});

describe("delivery", () => {
  it("retries a failing webhook with exponential backoff, each attempt a row, then succeeds", async () => {
    receivers.webhooks.failNext("/flaky", 2, 503);
    const ruleId = await createRule("/flaky", { kind: "new_ip", cooldownSeconds: 600 });
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/alert-rules/${ruleId}/test`,
      headers: bearer(h.adminKey),
    });
    expect(res.statusCode).toBe(202);
    const alertId = res.json().id as string;
    await vi.waitFor(
      async () =>
        expect(
          await h.db.alertDelivery.count({ where: { alertId, channelType: "webhook", status: "succeeded" } }),
          "the third attempt",
        ).toBe(1),
      { ...WAIT, timeout: 15_000 },
    );
    expect(hooksTo("/flaky")).toHaveLength(1);
    const rows = await h.db.alertDelivery.findMany({
      where: { alertId, channelType: "webhook" },
      orderBy: { attempt: "asc" },
    });
    expect(rows.map((r) => [r.attempt, r.status, r.responseStatus])).toEqual([
      [1, "failed", 503],
      [2, "failed", 503],
      [3, "succeeded", 204],
    ]);
    // Base 200 ms: the second attempt waits ≥ 200 ms, the third ≥ 400 ms.
    const [a1, a2, a3] = rows.map((r) => r.attemptedAt.getTime()) as [number, number, number];
    expect(a2 - a1).toBeGreaterThanOrEqual(190);
    expect(a3 - a2).toBeGreaterThanOrEqual(390);
    expect(receivers.webhooks.received.filter((r) => r.path === "/flaky").every((r) => r.verified)).toBe(true);

    const list = await h.app.inject({
      method: "GET",
      url: `/v1/alerts?ruleId=${ruleId}`,
      headers: bearer(h.readOnlyKey),
    });
    expect(list.statusCode).toBe(200);
    const [alert] = list.json().data;
    expect(alert).toMatchObject({ id: alertId, deliveryStatus: "delivered", payload: { test: true } });
    expect(alert.deliveries.filter((d: { channelType: string }) => d.channelType === "webhook")).toHaveLength(3);
  });

  it("gives up after ALERT_MAX_ATTEMPTS and shows the alert as failed", async () => {
    receivers.webhooks.failNext("/down", 100, 500);
    const ruleId = await createRule("/down", { kind: "new_ip" });
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/alert-rules/${ruleId}/test`,
      headers: bearer(h.adminKey),
    });
    const alertId = res.json().id as string;
    await vi.waitFor(
      async () =>
        expect(
          await h.db.alertDelivery.count({ where: { alertId, channelType: "webhook", status: "failed" } }),
          "four failed attempts",
        ).toBe(4),
      { ...WAIT, timeout: 15_000 },
    );
    await pause(500);
    expect(await h.db.alertDelivery.count({ where: { alertId, channelType: "webhook" } })).toBe(4);
    const list = await h.app.inject({ method: "GET", url: `/v1/alerts?ruleId=${ruleId}`, headers: bearer(h.adminKey) });
    expect(list.json().data[0].deliveryStatus).toBe("failed");
  });

  it("no secret in alert payloads, delivery rows, audit events or logs", async () => {
    const alerts = await h.db.alert.findMany();
    const deliveries = await h.db.alertDelivery.findMany();
    const audit = await h.db.auditEvent.findMany({ where: { action: { startsWith: "alert" } } });
    expect(alerts.length).toBeGreaterThan(5);
    const everything = JSON.stringify([alerts, deliveries, audit]) + h.logs();
    expect(everything).not.toContain(SECRET);
    expect(receivers.webhooks.received.map((r) => r.body).join("")).not.toContain(SECRET);
    expect(receivers.smtp.mails.map((m) => m.raw).join("")).not.toContain(SECRET);
  });
});

describe("GET /v1/alerts and POST /v1/alerts/seen", () => {
  it("200: cursor pages, the unseen filter, and marking seen", async () => {
    const unseen = await h.app.inject({
      method: "GET",
      url: "/v1/alerts?unseen=true&limit=2",
      headers: bearer(h.adminKey),
    });
    expect(unseen.statusCode).toBe(200);
    expect(unseen.json().data).toHaveLength(2);
    const next = await h.app.inject({
      method: "GET",
      url: `/v1/alerts?unseen=true&limit=2&cursor=${unseen.json().nextCursor}`,
      headers: bearer(h.adminKey),
    });
    expect(next.json().data[0].id < unseen.json().data[1].id).toBe(true);
    const seen = await h.app.inject({ method: "POST", url: "/v1/alerts/seen", headers: bearer(h.adminKey) });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().marked).toBeGreaterThan(3);
    const after = await h.app.inject({ method: "GET", url: "/v1/alerts?unseen=true", headers: bearer(h.adminKey) });
    expect(after.json().data).toHaveLength(0);
  });

  it("401 without a credential, 403 without alerts:read, 404 is never leaked across companies", async () => {
    expect((await h.app.inject({ method: "GET", url: "/v1/alerts" })).statusCode).toBe(401);
    const noAlerts = await h.keyWithScopes(["keys:read"]);
    expect(
      (await h.app.inject({ method: "GET", url: "/v1/alerts", headers: bearer(noAlerts.secret) })).statusCode,
    ).toBe(403);
    const other = await h.otherCompany();
    const theirs = await h.app.inject({ method: "GET", url: "/v1/alerts", headers: bearer(other.adminKey) });
    expect(theirs.json().data).toEqual([]);
  });
});

describe("GET /v1/events/stream", () => {
  it("200: a fired alert arrives as `event: alert` with the webhook's payload, never the secret", async () => {
    const ruleId = await createRule("/stream", { kind: "new_ip" });
    const base = await h.app.listen({ port: 0, host: "127.0.0.1" });
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/events/stream`, { headers: bearer(h.adminKey), signal: controller.signal });
    expect(res.status).toBe(200);
    let text = "";
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    const reading = (async () => {
      try {
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          text += decoder.decode(chunk.value, { stream: true });
        }
      } catch {
        // aborted below
      }
    })();
    await vi.waitFor(() => expect(text, "the stream to open").toContain(": connected"), { ...WAIT, timeout: 5000 });
    const fired = await h.app.inject({
      method: "POST",
      url: `/v1/alert-rules/${ruleId}/test`,
      headers: bearer(h.adminKey),
    });
    const alertId = fired.json().id as string;
    // Other rules of this file (the expiry job's) may fire on the stream too: look for this alert's frame.
    await vi.waitFor(() => expect(text, "the alert event").toContain(alertId), { ...WAIT, timeout: 5000 });
    controller.abort();
    await reading;
    const frame = text.split("\n\n").find((f) => f.includes("event: alert") && f.includes(alertId)) ?? "";
    const data = JSON.parse(
      frame
        .split("\n")
        .find((l) => l.startsWith("data: "))
        ?.slice(6) ?? "{}",
    );
    expect(data).toMatchObject({ id: alertId, type: "alert.fired", test: true, rule: { id: ruleId, kind: "new_ip" } });
    expect(text).not.toContain(SECRET);
  });
});
