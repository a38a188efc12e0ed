import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const rotate = (key: string, id: string, payload?: unknown) =>
  h.app.inject({
    method: "POST",
    url: `/v1/keys/${id}/rotate`,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const me = (key: string) => h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(key) });

describe("POST /v1/keys/:id/rotate", () => {
  it("201 with no grace: new secret once, old key refused at once", async () => {
    const old = await h.keyWithScopes(["keys:read"], "test");
    expect((await me(old.secret)).statusCode).toBe(200);
    const res = await rotate(h.adminKey, old.id);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.key).toMatch(/^kw_test_/);
    expect(body).toMatchObject({
      rotatedFrom: old.id,
      rotatedFromId: old.id,
      scopes: ["keys:read"],
      environment: "test",
    });
    expect(Math.abs(Date.parse(body.oldKeyExpiresAt) - Date.now())).toBeLessThan(5000);
    expect((await me(old.secret)).statusCode).toBe(401);
    expect((await me(body.key)).statusCode).toBe(200);
    const oldRow = await h.db.apiKey.findUniqueOrThrow({ where: { id: old.id } });
    expect(oldRow).toMatchObject({ revokedReason: "rotated" });
  });

  it("201 with a grace period: both keys work, the old one shows as expiring until it ends", async () => {
    const old = await h.keyWithScopes(["keys:read"]);
    const res = await rotate(h.adminKey, old.id, { gracePeriodSeconds: 3600 });
    expect(res.statusCode).toBe(201);
    const expected = Date.now() + 3600_000;
    expect(Math.abs(Date.parse(res.json().oldKeyExpiresAt) - expected)).toBeLessThan(5000);
    expect((await me(old.secret)).statusCode).toBe(200);
    expect((await me(res.json().key)).statusCode).toBe(200);
    const oldKey = await h.app.inject({ method: "GET", url: `/v1/keys/${old.id}`, headers: bearer(h.adminKey) });
    expect(oldKey.json().status).toBe("expiring");
    // End the grace period (as time would) and announce the change: the old key is refused.
    await h.db.apiKey.update({ where: { id: old.id }, data: { graceEndsAt: new Date(Date.now() - 1) } });
    await h.db.keyChange.create({ data: { keyId: old.id } });
    await vi.waitFor(async () => expect((await me(old.secret)).statusCode).toBe(401), { timeout: 3000, interval: 50 });
  });

  it("201: the grace period never outlives the old key's own expiry", async () => {
    const old = await h.keyWithScopes(["keys:read"]);
    const expiresAt = new Date(Date.now() + 600_000);
    await h.db.apiKey.update({ where: { id: old.id }, data: { expiresAt } });
    const res = await rotate(h.adminKey, old.id, { gracePeriodSeconds: 7 * 86400 });
    expect(res.json().oldKeyExpiresAt).toBe(expiresAt.toISOString());
  });

  it.each<[string, unknown]>([
    ["a negative grace period", { gracePeriodSeconds: -1 }],
    ["more than 7 days", { gracePeriodSeconds: 7 * 86400 + 1 }],
    ["a fractional grace period", { gracePeriodSeconds: 1.5 }],
    ["an unknown field", { grace: 10 }],
  ])("400 for %s, nothing rotated", async (_label, payload) => {
    const old = await h.keyWithScopes(["keys:read"]);
    const before = await h.db.apiKey.count();
    const res = await rotate(h.adminKey, old.id, payload);
    expect(res.statusCode).toBe(400);
    expect(await h.db.apiKey.count()).toBe(before);
    expect((await me(old.secret)).statusCode).toBe(200);
  });

  it("401 without a key, 403 with a read-only key", async () => {
    const old = await h.keyWithScopes(["keys:read"]);
    expect((await h.app.inject({ method: "POST", url: `/v1/keys/${old.id}/rotate` })).statusCode).toBe(401);
    expect((await rotate(h.readOnlyKey, old.id)).statusCode).toBe(403);
  });

  it("403 FORBIDDEN: a keys:read+keys:write key cannot rotate a * key; no secret, nothing changed", async () => {
    const writer = await h.keyWithScopes(["keys:read", "keys:write"]);
    const admin = await h.keyWithScopes(["*"]);
    const before = await h.db.apiKey.count();
    const res = await rotate(writer.secret, admin.id, { gracePeriodSeconds: 3600 });
    expect(res.statusCode).toBe(403);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="keyward", error="insufficient_scope", scope="*"');
    expect(res.json().errors[0]).toMatchObject({
      code: "FORBIDDEN",
      details: { required: ["*"], available: ["keys:read", "keys:write"] },
    });
    expect(res.body).not.toMatch(/kw_live_/);
    expect(await h.db.apiKey.count()).toBe(before);
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({
      revokedAt: null,
      graceEndsAt: null,
    });
    expect((await me(admin.secret)).statusCode).toBe(200);
  });

  it("404 for another company's key; the key keeps working", async () => {
    const other = await h.otherCompany();
    const old = await h.keyWithScopes(["keys:read"]);
    expect((await rotate(other.adminKey, old.id)).statusCode).toBe(404);
    expect((await me(old.secret)).statusCode).toBe(200);
  });

  it.each([0, 3600, 7 * 86400])(
    "409 CONFLICT: a key in its grace period cannot be rotated again (grace %i); its grace end never moves",
    async (grace) => {
      const old = await h.keyWithScopes(["keys:read"]);
      const first = await rotate(h.adminKey, old.id, { gracePeriodSeconds: 60 });
      expect(first.statusCode).toBe(201);
      const graceEnd = first.json().oldKeyExpiresAt;
      const keysBefore = await h.db.apiKey.count();
      const again = await rotate(h.adminKey, old.id, { gracePeriodSeconds: grace });
      expect(again.statusCode).toBe(409);
      expect(again.json().errors[0]).toMatchObject({
        code: "CONFLICT",
        details: { successorId: first.json().id, graceEndsAt: graceEnd },
      });
      expect(again.body).not.toMatch(/kw_live_/);
      expect(await h.db.apiKey.count()).toBe(keysBefore);
      const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: old.id } });
      expect(row.graceEndsAt?.toISOString()).toBe(graceEnd);
      expect(row.revokedAt).toBeNull();
      expect((await me(old.secret)).statusCode).toBe(200);
      // The successor is the key to rotate.
      expect((await rotate(h.adminKey, first.json().id, { gracePeriodSeconds: 60 })).statusCode).toBe(201);
    },
  );

  it("409 for a revoked key", async () => {
    const old = await h.keyWithScopes(["keys:read"]);
    await rotate(h.adminKey, old.id);
    const res = await rotate(h.adminKey, old.id);
    expect(res.statusCode).toBe(409);
  });
});
