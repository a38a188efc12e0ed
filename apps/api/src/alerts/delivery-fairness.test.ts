// One company's slow webhooks must not hold up another company's alerts: the delivery worker keeps a
// bounded number of attempts in flight per company, and takes due attempts round-robin by company.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, type Harness, startHarness } from "../test/harness";
import { startWebhookReceiver, type WebhookReceiver } from "./testing";

const SECRET = "whsec_fairness_0123456789";
const SLOW_ALERTS = 30;

let h: Harness;
let receiver: WebhookReceiver;
/** A receiver that reads each request and never answers (until the worker's timeout, far away). */
let blackHole: Server;
let blackHoleUrl: string;
const open = new Set<ServerResponse>();
let mostOpen = 0;

beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET);
  blackHole = createServer((req, res) => {
    open.add(res);
    mostOpen = Math.max(mostOpen, open.size);
    req.resume();
    // The response closes when the worker gives up (or the test hangs up), never because it was answered.
    res.on("close", () => open.delete(res));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
  blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}/never`;
  h = await startHarness({
    KEYWARD_WEBHOOK_ALLOW_HOSTS: `${new URL(receiver.url).host},${new URL(blackHoleUrl).host}`,
    ALERT_DELIVERY_POLL_MS: "100",
    ALERT_WEBHOOK_TIMEOUT_MS: "60000",
    ALERT_MAX_ATTEMPTS: "1",
  });
});
afterAll(async () => {
  // No new connections, and hanging up fails the attempts still waiting: the worker stops at once.
  const closed = new Promise((resolve) => blackHole?.close(resolve));
  blackHole?.closeAllConnections();
  await h?.close();
  await closed;
  await receiver?.close();
});

async function webhookRule(adminKey: string, url: string): Promise<string> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/alert-rules",
    headers: bearer(adminKey),
    payload: { name: "hook", kind: "new_ip", channels: [{ type: "webhook", url, secret: SECRET }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const fireTest = async (ruleId: string) => {
  const now = new Date();
  const fired = await h.app.keyward.alerts.fire({
    ruleId,
    subject: "test",
    keyId: null,
    count: 0,
    windowStart: now,
    windowEnd: now,
    test: true,
  });
  if (!fired) throw new Error("not fired");
  return fired.id;
};

describe("delivery worker", () => {
  it("company B's alert is delivered while company A's slow receiver still holds all of A's attempts", async () => {
    const slowRule = await webhookRule(h.adminKey, blackHoleUrl);
    const slowAlerts: string[] = [];
    for (let i = 0; i < SLOW_ALERTS; i++) slowAlerts.push(await fireTest(slowRule));
    await vi.waitFor(() => expect(open.size, "company A's attempts to reach its receiver").toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 50,
    });

    const other = await h.otherCompany();
    const promptRule = await webhookRule(other.adminKey, `${receiver.url}/b`);
    const promptAlert = await fireTest(promptRule);
    await vi.waitFor(
      () =>
        expect(
          receiver.received.map((r) => r.json.id),
          "company B's delivery",
        ).toContain(promptAlert),
      { timeout: 15_000, interval: 50 },
    );

    // Delivered while none of A's attempts has finished: B did not wait behind them.
    const finishedA = await h.db.alertDelivery.count({
      where: { alertId: { in: slowAlerts }, status: { in: ["succeeded", "failed"] } },
    });
    expect(finishedA).toBe(0);
    expect(receiver.received.find((r) => r.json.id === promptAlert)?.verified).toBe(true);
    // A's attempts in flight are bounded: the rest wait as pending rows.
    expect(mostOpen).toBeGreaterThan(0);
    expect(mostOpen).toBeLessThanOrEqual(4);
    expect(
      await h.db.alertDelivery.count({ where: { alertId: { in: slowAlerts }, status: "pending" } }),
    ).toBeGreaterThanOrEqual(SLOW_ALERTS - 4);
  });
});
