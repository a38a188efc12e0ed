// The alert-rule CRUD of docs/api.md#endpoints and §6, one describe per route, tests named by the status they prove.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

const SECRET = "whsec_test_0123456789abcdef";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SMTP_URL: "smtp://127.0.0.1:2525" });
});
afterAll(() => h.close());

const rule = (overrides: Record<string, unknown> = {}) => ({
  name: "Bursts of refused requests",
  kind: "auth_failures",
  threshold: 10,
  windowSeconds: 60,
  days: 7,
  keyId: null,
  environment: "live",
  cooldownSeconds: 600,
  enabled: true,
  channels: [
    { type: "webhook", url: "https://hooks.example.com/keyward", secret: SECRET },
    { type: "email", to: ["ops@example.com"] },
  ],
  ...overrides,
});

const call = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, key: string | null, payload?: unknown) =>
  h.app.inject({
    method,
    url,
    headers: key ? bearer(key) : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe("POST /v1/alert-rules", () => {
  it("201: the contract's example rule; the secret is write-only; an audit event names the rule", async () => {
    const res = await call("POST", "/v1/alert-rules", h.adminKey, rule());
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      name: "Bursts of refused requests",
      kind: "auth_failures",
      threshold: 10,
      windowSeconds: 60,
      days: null, // does not apply to auth_failures
      environment: "live",
      cooldownSeconds: 600,
      enabled: true,
      channels: [
        { type: "webhook", url: "https://hooks.example.com/keyward", secret: null, secretSet: true },
        { type: "email", to: ["ops@example.com"] },
      ],
    });
    expect(res.body).not.toContain(SECRET);
    const event = await h.db.auditEvent.findFirstOrThrow({
      where: { action: "alert_rule.created", targetId: body.id },
    });
    expect(JSON.stringify(event)).not.toContain(SECRET);
    expect(h.logs()).not.toContain(SECRET);
  });

  it("400 with the contract's body for missing kind fields, a bad URL, a short secret, an unknown field", async () => {
    const cases = [
      [rule({ threshold: null }), "threshold"],
      [rule({ kind: "expiring", days: null }), "days"],
      [rule({ channels: [{ type: "webhook", url: "ftp://x.example.com", secret: SECRET }] }), "channels"],
      [rule({ channels: [{ type: "webhook", url: "https://x.example.com", secret: "short" }] }), "channels"],
      [rule({ channels: [{ type: "webhook", url: "https://x.example.com" }] }), "channels"],
      [rule({ channels: [] }), "channels"],
      [rule({ kind: "sometimes" }), "kind"],
      [rule({ colour: "red" }), ""],
    ] as const;
    for (const [payload, field] of cases) {
      const res = await call("POST", "/v1/alert-rules", h.adminKey, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const error = res.json().errors[0];
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(JSON.stringify(error.details.issues)).toContain(field);
    }
  });

  it("400 for a key of another company, named as the keyId field", async () => {
    const other = await h.otherCompany();
    const theirs = await call("POST", "/v1/keys", other.adminKey, {
      name: "theirs",
      scopes: ["keys:read"],
      environment: "live",
    });
    const res = await call("POST", "/v1/alert-rules", h.adminKey, rule({ keyId: theirs.json().id }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].details.issues[0].path).toEqual(["keyId"]);
  });

  it("401 without a credential, 403 with a read-only key", async () => {
    expect((await call("POST", "/v1/alert-rules", null, rule())).statusCode).toBe(401);
    const res = await call("POST", "/v1/alert-rules", h.readOnlyKey, rule());
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].details.required).toEqual(["alerts:write"]);
  });
});

describe("POST /v1/alert-rules without SMTP_URL", () => {
  it("400: an email channel is refused when the API cannot send email", async () => {
    const bare = await startHarness({ SMTP_URL: "" });
    try {
      const res = await bare.app.inject({
        method: "POST",
        url: "/v1/alert-rules",
        headers: bearer(bare.adminKey),
        payload: rule(),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].message).toContain("SMTP_URL");
    } finally {
      await bare.close();
    }
  });
});

describe("GET /v1/alert-rules and /v1/alert-rules/:id", () => {
  it("200: a read-only key lists and reads rules, paginated, never with a secret", async () => {
    const a = (await call("POST", "/v1/alert-rules", h.adminKey, rule({ name: "a" }))).json();
    const b = (await call("POST", "/v1/alert-rules", h.adminKey, rule({ name: "b" }))).json();
    const page = await call("GET", "/v1/alert-rules?limit=1", h.readOnlyKey);
    expect(page.statusCode).toBe(200);
    expect(page.json().data.map((r: { id: string }) => r.id)).toEqual([b.id]);
    const next = await call("GET", `/v1/alert-rules?limit=1&cursor=${page.json().nextCursor}`, h.readOnlyKey);
    expect(next.json().data.map((r: { id: string }) => r.id)).toEqual([a.id]);
    const one = await call("GET", `/v1/alert-rules/${a.id}`, h.readOnlyKey);
    expect(one.statusCode).toBe(200);
    expect(one.json().name).toBe("a");
    expect(page.body + next.body + one.body).not.toContain(SECRET);
  });

  it("404 for another company's rule, 400 for a malformed id", async () => {
    const mine = (await call("POST", "/v1/alert-rules", h.adminKey, rule())).json();
    const other = await h.otherCompany();
    expect((await call("GET", `/v1/alert-rules/${mine.id}`, other.adminKey)).statusCode).toBe(404);
    expect((await call("GET", "/v1/alert-rules/not-a-uuid", h.adminKey)).statusCode).toBe(400);
  });
});

describe("PATCH /v1/alert-rules/:id", () => {
  it("200: disables, renames, keeps the webhook secret when it is sent back as read", async () => {
    const created = (await call("POST", "/v1/alert-rules", h.adminKey, rule())).json();
    const sealed = (await h.db.alertRule.findUniqueOrThrow({ where: { id: created.id } })).channels;
    const res = await call("PATCH", `/v1/alert-rules/${created.id}`, h.adminKey, {
      enabled: false,
      name: "renamed",
      channels: created.channels,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ enabled: false, name: "renamed" });
    expect((await h.db.alertRule.findUniqueOrThrow({ where: { id: created.id } })).channels).toEqual(sealed);
    const event = await h.db.auditEvent.findFirstOrThrow({
      where: { action: "alert_rule.updated", targetId: created.id },
    });
    expect(event.metadata).toMatchObject({ changed: ["channels", "enabled", "name"] });
  });

  it("400 when a kind change leaves a needed field empty, or for an empty body", async () => {
    const created = (await call("POST", "/v1/alert-rules", h.adminKey, rule())).json();
    const res = await call("PATCH", `/v1/alert-rules/${created.id}`, h.adminKey, { kind: "expiring" });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].details.issues[0].path).toEqual(["days"]);
    expect((await call("PATCH", `/v1/alert-rules/${created.id}`, h.adminKey, {})).statusCode).toBe(400);
  });

  it("403 for a read-only key, 404 for another company's rule", async () => {
    const created = (await call("POST", "/v1/alert-rules", h.adminKey, rule())).json();
    expect((await call("PATCH", `/v1/alert-rules/${created.id}`, h.readOnlyKey, { enabled: false })).statusCode).toBe(
      403,
    );
    const other = await h.otherCompany();
    expect((await call("PATCH", `/v1/alert-rules/${created.id}`, other.adminKey, { enabled: false })).statusCode).toBe(
      404,
    );
  });
});

describe("DELETE /v1/alert-rules/:id", () => {
  it("204, then 404; another company gets 404 and the rule stays", async () => {
    const created = (await call("POST", "/v1/alert-rules", h.adminKey, rule())).json();
    const other = await h.otherCompany();
    expect((await call("DELETE", `/v1/alert-rules/${created.id}`, other.adminKey)).statusCode).toBe(404);
    expect((await call("DELETE", `/v1/alert-rules/${created.id}`, h.readOnlyKey)).statusCode).toBe(403);
    expect((await call("DELETE", `/v1/alert-rules/${created.id}`, h.adminKey)).statusCode).toBe(204);
    expect((await call("GET", `/v1/alert-rules/${created.id}`, h.adminKey)).statusCode).toBe(404);
    expect(await h.db.auditEvent.count({ where: { action: "alert_rule.deleted", targetId: created.id } })).toBe(1);
  });
});
