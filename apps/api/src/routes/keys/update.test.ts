import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const patch = (key: string, id: string, payload: unknown) =>
  h.app.inject({ method: "PATCH", url: `/v1/keys/${id}`, headers: bearer(key), payload: payload as object });

describe("PATCH /v1/keys/:id", () => {
  it("200 changes name, scopes, allowlist, rate limit and metadata, and the change is enforced at once", async () => {
    const { id, secret } = await h.keyWithScopes(["keys:read"]);
    expect((await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(secret) })).statusCode).toBe(200);
    const res = await patch(h.adminKey, id, {
      name: "renamed",
      scopes: ["audit:read"],
      rateLimit: { limit: 5, windowSeconds: 60 },
      metadata: { owner: "team-a" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: "renamed",
      scopes: ["audit:read"],
      rateLimit: { limit: 5, windowSeconds: 60 },
    });
    // The cached key must not keep its old scopes.
    expect((await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(secret) })).statusCode).toBe(403);
    const event = await h.db.auditEvent.findFirst({ where: { action: "key.updated", keyId: id } });
    expect(event?.metadata).toEqual({ changed: ["metadata", "name", "rateLimit", "scopes"] });
  });

  it("200 clears the rate limit and metadata with null", async () => {
    const { id } = await h.keyWithScopes(["keys:read"]);
    await patch(h.adminKey, id, { rateLimit: { limit: 5, windowSeconds: 60 }, metadata: { a: 1 } });
    const res = await patch(h.adminKey, id, { rateLimit: null, metadata: null });
    expect(res.json()).toMatchObject({ rateLimit: null, metadata: null });
  });

  it.each<[string, unknown]>([
    ["an empty body", {}],
    ["an unknown field", { environment: "test" }],
    ["a bad scope", { scopes: ["root"] }],
    ["a bad CIDR", { ipAllowlist: ["300.1.1.1"] }],
  ])("400 for %s, nothing changed", async (_label, payload) => {
    const { id } = await h.keyWithScopes(["keys:read"]);
    const before = await h.db.apiKey.findUniqueOrThrow({ where: { id } });
    const res = await patch(h.adminKey, id, payload);
    expect(res.statusCode).toBe(400);
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it("401 without a key", async () => {
    const { id } = await h.keyWithScopes(["keys:read"]);
    const res = await h.app.inject({ method: "PATCH", url: `/v1/keys/${id}`, payload: { name: "x" } });
    expect(res.statusCode).toBe(401);
  });

  it("403 with a read-only key, and for scopes beyond the caller's own", async () => {
    const { id } = await h.keyWithScopes(["keys:read"]);
    expect((await patch(h.readOnlyKey, id, { name: "x" })).statusCode).toBe(403);
    const limited = await h.keyWithScopes(["keys:write", "keys:read"]);
    const res = await patch(limited.secret, id, { scopes: ["*"] });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].details.required).toEqual(["*"]);
  });

  it("403 FORBIDDEN: a keys:read+keys:write key cannot PATCH a * key (allowlist, narrowed scopes, name)", async () => {
    const writer = await h.keyWithScopes(["keys:read", "keys:write"]);
    const admin = await h.keyWithScopes(["*"]);
    const before = await h.db.apiKey.findUniqueOrThrow({ where: { id: admin.id } });
    for (const change of [{ ipAllowlist: ["192.0.2.1"] }, { scopes: ["keys:read"] }, { name: "mine now" }]) {
      const res = await patch(writer.secret, admin.id, change);
      expect(res.statusCode).toBe(403);
      expect(res.json().errors[0]).toMatchObject({
        code: "FORBIDDEN",
        details: { required: ["*"], available: ["keys:read", "keys:write"] },
      });
    }
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: admin.id } })).toEqual(before);
  });

  it("403 FORBIDDEN: PATCH needs both the key's current scopes and the new ones; required names the lacking", async () => {
    const writer = await h.keyWithScopes(["keys:write", "audit:read"]);
    const target = await h.keyWithScopes(["usage:read"]);
    const res = await patch(writer.secret, target.id, { scopes: ["audit:read"] });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].details).toEqual({ required: ["usage:read"], available: ["audit:read", "keys:write"] });
    const own = await h.keyWithScopes(["audit:read"]);
    const wider = await patch(writer.secret, own.id, { scopes: ["audit:read", "alerts:read"] });
    expect(wider.statusCode).toBe(403);
    expect(wider.json().errors[0].details.required).toEqual(["alerts:read"]);
    expect((await patch(writer.secret, own.id, { name: "still mine", scopes: ["audit:read"] })).statusCode).toBe(200);
  });

  it("404 for another company's key", async () => {
    const other = await h.otherCompany();
    const { id } = await h.keyWithScopes(["keys:read"]);
    const res = await patch(other.adminKey, id, { name: "stolen" });
    expect(res.statusCode).toBe(404);
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id } })).name).not.toBe("stolen");
  });

  it("409 for a revoked key", async () => {
    const { id } = await h.keyWithScopes(["keys:read"]);
    await h.app.inject({ method: "POST", url: `/v1/keys/${id}/revoke`, headers: bearer(h.adminKey) });
    const res = await patch(h.adminKey, id, { name: "x" });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0].code).toBe("CONFLICT");
  });
});
