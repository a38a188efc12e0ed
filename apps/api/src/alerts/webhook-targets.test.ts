// Webhooks may not reach the operator's own network (SSRF): every way of naming a loopback, private,
// link-local or metadata address is refused when a rule is saved (400), and a rule that names one
// anyway (stored before this check, or written to the database directly) is refused again at delivery
// after DNS, recorded as a refused attempt, without a connection ever reaching the local server.
import { createServer, type Server, type Socket } from "node:net";
import { webhookSecretPurpose } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadEnv } from "../env";
import { bearer, type Harness, startHarness } from "../test/harness";

const SECRET = "whsec_targets_0123456789";

let h: Harness;
/** A local TCP server standing for any internal service: it counts connections and hangs up. */
let trap: Server;
let trapPort: number;
let connections = 0;

beforeAll(async () => {
  trap = createServer((socket: Socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  trapPort = (trap.address() as { port: number }).port;
  h = await startHarness({
    ALERT_DELIVERY_POLL_MS: "100",
    ALERT_RETRY_BASE_MS: "60000",
    // Allowed receivers are named one by one: none of them is the trap.
    KEYWARD_WEBHOOK_ALLOW_HOSTS: "receiver.test,127.0.0.1:1",
  });
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => trap.close(resolve));
});

const privateUrls = () => [
  `http://localhost:${trapPort}/`,
  `http://127.0.0.1:${trapPort}/`,
  `http://127.1:${trapPort}/`,
  `http://2130706433:${trapPort}/`,
  `http://0x7f.0.0.1:${trapPort}/`,
  `http://[::ffff:127.0.0.1]:${trapPort}/`,
  `http://[::1]:${trapPort}/`,
  `http://0.0.0.0:${trapPort}/`,
  "http://169.254.169.254/latest/meta-data/",
  "http://[::ffff:169.254.169.254]/",
  "http://10.0.0.1/",
  "http://10.255.0.1:8080/",
  "http://172.16.0.1/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
  "http://[fd00::1]/",
  "http://[fe80::1]/",
  "http://[::]/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://intranet/",
];

const rule = (url: string) => ({
  name: "internal probe",
  kind: "new_ip",
  channels: [{ type: "webhook", url, secret: SECRET }],
});

describe("saving a rule", () => {
  it("400 VALIDATION_FAILED on create and update: every form of a loopback, private, link-local or metadata address", async () => {
    const kept = await h.app.inject({
      method: "POST",
      url: "/v1/alert-rules",
      headers: bearer(h.adminKey),
      payload: rule("https://hooks.example.com/keyward"),
    });
    expect(kept.statusCode, kept.body).toBe(201);
    const before = await h.db.alertRule.count();
    for (const url of privateUrls()) {
      for (const [method, path] of [
        ["POST", "/v1/alert-rules"],
        ["PATCH", `/v1/alert-rules/${kept.json().id}`],
      ] as const) {
        const res = await h.app.inject({ method, url: path, headers: bearer(h.adminKey), payload: rule(url) });
        expect(res.statusCode, `${method} ${url}`).toBe(400);
        const [error] = res.json().errors;
        expect(error.code).toBe("VALIDATION_FAILED");
        expect(error.details.issues[0].path).toEqual(["channels", "0", "url"]);
      }
    }
    expect(await h.db.alertRule.count()).toBe(before);
    const unchanged = await h.app.inject({
      method: "GET",
      url: `/v1/alert-rules/${kept.json().id}`,
      headers: bearer(h.adminKey),
    });
    expect(unchanged.json().channels[0].url).toBe("https://hooks.example.com/keyward");
  });

  // Found by the abuse fuzzer: the URL checks after `.url()` parsed the text again and threw (500).
  it("400 VALIDATION_FAILED, not 500, on create and update: a webhook URL that does not parse", async () => {
    const kept = await h.app.inject({
      method: "POST",
      url: "/v1/alert-rules",
      headers: bearer(h.adminKey),
      payload: rule("https://hooks.example.com/unparsable"),
    });
    for (const url of ["not a url", "http://", "https://exa mple.com/", "http://[::1"]) {
      for (const [method, path] of [
        ["POST", "/v1/alert-rules"],
        ["PATCH", `/v1/alert-rules/${kept.json().id}`],
      ] as const) {
        const res = await h.app.inject({ method, url: path, headers: bearer(h.adminKey), payload: rule(url) });
        expect(res.statusCode, `${method} ${url}`).toBe(400);
        expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
      }
    }
  });

  it("201: hosts in KEYWARD_WEBHOOK_ALLOW_HOSTS are accepted, on the allowed port only", async () => {
    for (const url of ["http://receiver.test:8080/hook", "http://127.0.0.1:1/hook"]) {
      const res = await h.app.inject({
        method: "POST",
        url: "/v1/alert-rules",
        headers: bearer(h.adminKey),
        payload: rule(url),
      });
      expect(res.statusCode, url).toBe(201);
    }
    const otherPort = await h.app.inject({
      method: "POST",
      url: "/v1/alert-rules",
      headers: bearer(h.adminKey),
      payload: rule("http://127.0.0.1:2/hook"),
    });
    expect(otherPort.statusCode).toBe(400);
  });
});

describe("delivering", () => {
  it("a stored rule naming the local machine: each attempt is recorded as refused, no retry, no connection", async () => {
    // Written to the database directly: what a rule saved before this check looks like.
    const urls = privateUrls().slice(0, 8);
    const stored = await h.db.alertRule.create({
      data: {
        companyId: h.companyId,
        name: "stored before the check",
        kind: "new_ip",
        cooldownSeconds: 0,
        channels: urls.map((url) => ({
          type: "webhook",
          url,
          secretEnc: h.app.keyward.alerts.box.seal(SECRET, webhookSecretPurpose(h.companyId)),
        })),
      },
    });
    const fired = await h.app.inject({
      method: "POST",
      url: `/v1/alert-rules/${stored.id}/test`,
      headers: bearer(h.adminKey),
    });
    expect(fired.statusCode).toBe(202);
    const alertId = fired.json().id as string;
    const deliveries = () => h.db.alertDelivery.findMany({ where: { alertId } });
    await vi.waitFor(
      async () =>
        expect(
          (await deliveries()).every((d) => d.status === "failed"),
          "every attempt recorded",
        ).toBe(true),
      { timeout: 15_000, interval: 50 },
    );
    const rows = await deliveries();
    expect(rows.map((d) => d.target).sort()).toEqual([...urls].sort());
    for (const row of rows) {
      expect(row.error, row.target).toMatch(/^Refused: /);
      expect(row.nextAttemptAt, row.target).toBeNull();
      expect(row.responseStatus).toBeNull();
    }
    expect(connections).toBe(0);
    // The listing shows the refusal to the customer without saying what the name resolved to.
    const list = await h.app.inject({
      method: "GET",
      url: `/v1/alerts?ruleId=${stored.id}`,
      headers: bearer(h.adminKey),
    });
    expect(list.json().data[0].deliveryStatus).toBe("failed");
    expect(list.body).not.toContain('127.0.0.1"');
  });
});

describe("KEYWARD_WEBHOOK_ALLOW_HOSTS", () => {
  it("an entry that is not a host or host:port stops the API at start, naming the variable", () => {
    for (const value of ["http://receiver.test", "receiver.test:99999", "receiver.test/hook"])
      expect(() => loadEnv({ KEYWARD_WEBHOOK_ALLOW_HOSTS: value }), value).toThrow(/KEYWARD_WEBHOOK_ALLOW_HOSTS/);
    expect(loadEnv({ KEYWARD_WEBHOOK_ALLOW_HOSTS: "a.test, 127.0.0.1:8080" }).KEYWARD_WEBHOOK_ALLOW_HOSTS).toEqual({
      entries: [
        { host: "a.test", port: null },
        { host: "127.0.0.1", port: 8080 },
      ],
    });
  });
});
