// The shared alert counters under failure: one rule deleted while its counts wait for the flush must
// not stop other companies' rules from firing, and a batch the database keeps refusing is dropped
// after a few tries (with a log line) instead of being carried forever.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SmtpSink, startSmtpSink } from "../test/alert-receivers";
import { bearer, type Harness, startHarness } from "../test/harness";

let h: Harness;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  // Flushes only when a test asks: the automatic one would race the deletion.
  h = await startHarness({ SMTP_URL: smtp.url, ALERT_FLUSH_INTERVAL_MS: "60000" });
});
afterAll(async () => {
  await h?.close();
  await smtp?.close();
});

async function spikeRule(adminKey: string, name: string, threshold: number): Promise<string> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/alert-rules",
    headers: bearer(adminKey),
    payload: {
      name,
      kind: "request_spike",
      threshold,
      windowSeconds: 600,
      channels: [{ type: "email", to: ["ops@example.com"] }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const requests = async (adminKey: string, n: number) => {
  for (let i = 0; i < n; i++)
    expect((await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(adminKey) })).statusCode).toBe(200);
};
const alertsOf = (ruleId: string) => h.db.alert.count({ where: { ruleId } });
const detector = () => h.app.keyward.alerts.detector;

describe("alert counters", () => {
  it("a rule deleted mid-window drops its counts; another company's rule still fires (no foreign-key poison)", async () => {
    const other = await h.otherCompany();
    const r1 = await spikeRule(h.adminKey, "A: deleted while counting", 1000);
    const r2 = await spikeRule(other.adminKey, "B: still watching", 3);
    await requests(h.adminKey, 5);
    await requests(other.adminKey, 5);
    const deleted = await h.app.inject({ method: "DELETE", url: `/v1/alert-rules/${r1}`, headers: bearer(h.adminKey) });
    expect(deleted.statusCode).toBe(204);

    await detector().flush();
    expect(await alertsOf(r2)).toBe(1);
    expect(await h.db.alertCounter.count({ where: { ruleId: r1 } })).toBe(0);
    expect(h.logs()).not.toContain("alert_counters_rule_id_fkey");
  });

  it("a batch the database keeps refusing is dropped after a few flushes, with a log line; later counts work", async () => {
    const rule = await spikeRule(h.adminKey, "refused batch", 2);
    // Every insert into alert_counters fails until the constraint is dropped again.
    await h.db.$executeRawUnsafe("ALTER TABLE alert_counters ADD CONSTRAINT refuse_all CHECK (count < 0) NOT VALID");
    try {
      await requests(h.adminKey, 3);
      for (let i = 0; i < 5; i++) await detector().flush();
      expect(h.logs()).toContain("alert counts dropped");
    } finally {
      await h.db.$executeRawUnsafe("ALTER TABLE alert_counters DROP CONSTRAINT refuse_all");
    }
    // The dropped counts are not sent again: one more request alone stays under the threshold.
    await requests(h.adminKey, 1);
    await detector().flush();
    expect(await h.db.alertCounter.count({ where: { ruleId: rule } })).toBe(1);
    expect(await alertsOf(rule)).toBe(0);
    await requests(h.adminKey, 2);
    await detector().flush();
    expect(await alertsOf(rule)).toBe(1);
  });
});
