import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const revoke = (key: string, id: string, payload?: unknown) =>
  h.app.inject({
    method: "POST",
    url: `/v1/keys/${id}/revoke`,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const me = (key: string) => h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(key) });

describe("POST /v1/keys/:id/revoke", () => {
  it("200: the key stops working at once (even when cached) and the audit log has the reason", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    expect((await me(k.secret)).statusCode).toBe(200);
    const res = await revoke(h.adminKey, k.id, { reason: "leaked in a log" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: k.id, status: "revoked", revokedReason: "leaked in a log" });
    expect((await me(k.secret)).statusCode).toBe(401);
    const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "key.revoked", keyId: k.id } });
    expect(event).toMatchObject({ reason: "leaked in a log", actorType: "key" });
  });

  it("200 again on a revoked key changes nothing", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    const first = await revoke(h.adminKey, k.id);
    const second = await revoke(h.adminKey, k.id, { reason: "other" });
    expect(second.statusCode).toBe(200);
    expect(second.json().revokedAt).toBe(first.json().revokedAt);
    expect(await h.db.auditEvent.count({ where: { action: "key.revoked", keyId: k.id } })).toBe(1);
  });

  it("400 for a bad body, the key still works", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    expect((await revoke(h.adminKey, k.id, { reason: "" })).statusCode).toBe(400);
    expect((await revoke(h.adminKey, k.id, { why: "x" })).statusCode).toBe(400);
    expect((await me(k.secret)).statusCode).toBe(200);
  });

  it("401 without a key, 403 with a read-only key", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    expect((await h.app.inject({ method: "POST", url: `/v1/keys/${k.id}/revoke` })).statusCode).toBe(401);
    expect((await revoke(h.readOnlyKey, k.id)).statusCode).toBe(403);
    expect((await me(k.secret)).statusCode).toBe(200);
  });

  it("403 FORBIDDEN: a keys:read+keys:write key cannot revoke a * key; the key keeps working", async () => {
    const writer = await h.keyWithScopes(["keys:read", "keys:write"]);
    const admin = await h.keyWithScopes(["*"]);
    const res = await revoke(writer.secret, admin.id, { reason: "takeover" });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0]).toMatchObject({
      code: "FORBIDDEN",
      details: { required: ["*"], available: ["keys:read", "keys:write"] },
    });
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: admin.id } })).revokedAt).toBeNull();
    expect((await me(admin.secret)).statusCode).toBe(200);
  });

  it("404 for another company's key; the key keeps working", async () => {
    const other = await h.otherCompany();
    const k = await h.keyWithScopes(["keys:read"]);
    expect((await revoke(other.adminKey, k.id)).statusCode).toBe(404);
    expect((await me(k.secret)).statusCode).toBe(200);
  });
});
