import { hashKey } from "@keyward/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_LIMIT_BYTES } from "../../app";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const post = (key: string | null, payload: unknown, headers: Record<string, string> = {}) =>
  h.app.inject({
    method: "POST",
    url: "/v1/keys",
    headers: { ...(key ? bearer(key) : {}), "content-type": "application/json", ...headers },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });

const countKeys = () => h.db.apiKey.count();

describe("POST /v1/keys", () => {
  it("201 returns the secret once; only its hash is stored; the audit event names it by fingerprint", async () => {
    const res = await post(h.adminKey, {
      name: "CI pipeline",
      scopes: ["*:read"],
      environment: "test",
      ipAllowlist: ["127.0.0.1/32", "2001:db8::/32"],
      rateLimit: { limit: 100, windowSeconds: 60 },
      metadata: { team: "platform" },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.key).toMatch(/^kw_test_[0-9A-Za-z]{49}$/);
    expect(body).toMatchObject({
      name: "CI pipeline",
      environment: "test",
      scopes: ["*:read"],
      status: "active",
      ipAllowlist: ["127.0.0.1/32", "2001:db8::/32"],
      rateLimit: { limit: 100, windowSeconds: 60 },
      metadata: { team: "platform" },
      start: body.key.slice(0, 12),
      fingerprint: hashKey(body.key).slice(0, 8),
    });

    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.hash).toBe(hashKey(body.key));
    expect(JSON.stringify(row)).not.toContain(body.key);

    const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "key.created", targetId: body.id } });
    expect(event).toMatchObject({ actorType: "key", fingerprint: body.fingerprint, keyId: body.id });
    expect(JSON.stringify(event)).not.toContain(body.key);
    expect(h.logs()).not.toContain(body.key);

    // The new key works at once, and the list never shows its secret again.
    const me = await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(body.key) });
    expect(me.statusCode).toBe(200);
    expect(me.body).not.toContain(body.key);
  });

  it("201 uses the company's key prefix", async () => {
    await h.db.company.update({ where: { id: h.companyId }, data: { keyPrefix: "acme" } });
    const res = await post(h.adminKey, { name: "prefixed", scopes: ["keys:read"], environment: "live" });
    await h.db.company.update({ where: { id: h.companyId }, data: { keyPrefix: "kw" } });
    expect(res.statusCode).toBe(201);
    expect(res.json().key).toMatch(/^acme_live_[0-9A-Za-z]{49}$/);
  });

  it.each<[string, unknown]>([
    ["a missing name", { scopes: ["*"], environment: "live" }],
    ["an empty scope list", { name: "x", scopes: [], environment: "live" }],
    ["a malformed scope", { name: "x", scopes: ["keys:delete"], environment: "live" }],
    ["an unknown environment", { name: "x", scopes: ["*"], environment: "prod" }],
    ["an unknown field", { name: "x", scopes: ["*"], environment: "live", owner: "me" }],
    ["a bad CIDR", { name: "x", scopes: ["*"], environment: "live", ipAllowlist: ["10.0.0.0/33"] }],
    ["a past expiry", { name: "x", scopes: ["*"], environment: "live", expiresAt: "2001-01-01T00:00:00Z" }],
    [
      "a zero rate limit",
      { name: "x", scopes: ["*"], environment: "live", rateLimit: { limit: 0, windowSeconds: 60 } },
    ],
    ["malformed JSON", '{"name": "x", '],
    ["a JSON array", "[]"],
  ])("400 VALIDATION_FAILED for %s, nothing written", async (_label, payload) => {
    const before = await countKeys();
    const res = await post(h.adminKey, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    expect(await countKeys()).toBe(before);
  });

  it("400 lists zod issues with their paths", async () => {
    const res = await post(h.adminKey, { name: "", scopes: ["nope"], environment: "live" });
    const issues = res.json().errors[0].details.issues as Array<{ path: string[] }>;
    expect(issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["name", "scopes.0"]));
  });

  it("413 for an oversized body, nothing written", async () => {
    const before = await countKeys();
    const res = await post(h.adminKey, {
      name: "x",
      scopes: ["*"],
      environment: "live",
      metadata: { blob: "x".repeat(BODY_LIMIT_BYTES) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().errors[0].code).toBe("PAYLOAD_TOO_LARGE");
    expect(await countKeys()).toBe(before);
  });

  it("401 without a key, nothing written", async () => {
    const before = await countKeys();
    const res = await post(null, { name: "x", scopes: ["*"], environment: "live" });
    expect(res.statusCode).toBe(401);
    expect(await countKeys()).toBe(before);
  });

  it("403 for a read-only key, with required/available and insufficient_scope", async () => {
    const before = await countKeys();
    const res = await post(h.readOnlyKey, { name: "x", scopes: ["*:read"], environment: "test" });
    expect(res.statusCode).toBe(403);
    expect(res.headers["www-authenticate"]).toContain('error="insufficient_scope"');
    expect(res.json().errors[0]).toEqual({
      code: "FORBIDDEN",
      message: "Insufficient permissions",
      details: { required: ["keys:write"], available: ["*:read"] },
    });
    expect(await countKeys()).toBe(before);
  });

  it("403 when a key tries to create a key more powerful than itself", async () => {
    const { secret } = await h.keyWithScopes(["keys:write", "keys:read"]);
    const res = await post(secret, { name: "escalate", scopes: ["*"], environment: "live" });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].details).toEqual({ required: ["*"], available: ["keys:read", "keys:write"] });
    const ok = await post(secret, { name: "narrower", scopes: ["keys:read"], environment: "live" });
    expect(ok.statusCode).toBe(201);
  });
});
