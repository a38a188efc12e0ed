import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("GET /v1/keys", () => {
  it("200 with a read-only key: the company's keys, never a secret or hash", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(h.readOnlyKey) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nextCursor).toBeNull();
    expect(body.data.map((k: { name: string }) => k.name).sort()).toEqual([
      "Admin key (setup)",
      "Read-only key (setup)",
    ]);
    expect(body.data[0]).toMatchObject({
      status: "active",
      start: expect.stringMatching(/^kw_(live|test)_[0-9A-Za-z]{4}$/),
    });
    expect(res.body).not.toContain(h.readOnlyKey);
    expect(res.body).not.toContain(h.adminKey);
    expect(body.data[0]).not.toHaveProperty("hash");
    expect(body.data[0]).not.toHaveProperty("key");
  });

  it("200 pages with a cursor, newest first, and filters by environment", async () => {
    for (const n of [1, 2, 3]) await h.keyWithScopes([`usage:read`], n === 2 ? "test" : "live");
    const first = await h.app.inject({ method: "GET", url: "/v1/keys?limit=2", headers: bearer(h.adminKey) });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.data).toHaveLength(2);
    expect(page1.nextCursor).toBe(page1.data[1].id);
    const second = await h.app.inject({
      method: "GET",
      url: `/v1/keys?limit=2&cursor=${page1.nextCursor}`,
      headers: bearer(h.adminKey),
    });
    const ids = [...page1.data, ...second.json().data].map((k: { id: string }) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort().reverse());

    const test = await h.app.inject({ method: "GET", url: "/v1/keys?environment=test", headers: bearer(h.adminKey) });
    expect(test.json().data.every((k: { environment: string }) => k.environment === "test")).toBe(true);
    expect(test.json().data).toHaveLength(2);
  });

  it("200 pages back with before = prevCursor, to the same pages as forwards", async () => {
    for (let n = 0; n < 5; n++) await h.keyWithScopes(["usage:read"]);
    const get = async (query: string) => {
      const res = await h.app.inject({ method: "GET", url: `/v1/keys?limit=2${query}`, headers: bearer(h.adminKey) });
      expect(res.statusCode).toBe(200);
      return res.json() as { data: { id: string }[]; nextCursor: string | null; prevCursor: string | null };
    };
    const ids = (page: { data: { id: string }[] }) => page.data.map((k) => k.id);
    const p1 = await get("");
    expect(p1.prevCursor).toBeNull();
    const p2 = await get(`&cursor=${p1.nextCursor}`);
    const p3 = await get(`&cursor=${p2.nextCursor}`);
    expect(p3.prevCursor).toBe(p3.data[0]?.id);
    const back2 = await get(`&before=${p3.prevCursor}`);
    expect(ids(back2)).toEqual(ids(p2));
    expect(back2.nextCursor).toBe(p2.nextCursor);
    const back1 = await get(`&before=${back2.prevCursor}`);
    expect(ids(back1)).toEqual(ids(p1));
    expect(back1.prevCursor).toBeNull(); // the first page: nothing newer
  });

  it("400 for cursor and before together", async () => {
    const id = "01900000-0000-7000-8000-000000000000";
    const res = await h.app.inject({
      method: "GET",
      url: `/v1/keys?cursor=${id}&before=${id}`,
      headers: bearer(h.adminKey),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("200 filters by status and searches by name", async () => {
    const { id } = await h.keyWithScopes(["alerts:read"]);
    await h.db.apiKey.update({ where: { id }, data: { revokedAt: new Date(), name: "Retired billing key" } });
    const revoked = await h.app.inject({ method: "GET", url: "/v1/keys?status=revoked", headers: bearer(h.adminKey) });
    expect(revoked.json().data.map((k: { id: string }) => k.id)).toEqual([id]);
    const search = await h.app.inject({ method: "GET", url: "/v1/keys?q=billing", headers: bearer(h.adminKey) });
    expect(search.json().data.map((k: { id: string }) => k.id)).toEqual([id]);
  });

  it("status=current lists every key that still works: active and expiring, not revoked or expired", async () => {
    const [active, expiring, expired, revoked] = await Promise.all(
      Array.from({ length: 4 }, () => h.keyWithScopes(["audit:read"])),
    );
    const hour = 3_600_000;
    await h.db.apiKey.update({ where: { id: expiring?.id }, data: { expiresAt: new Date(Date.now() + hour) } });
    await h.db.apiKey.update({ where: { id: expired?.id }, data: { expiresAt: new Date(Date.now() - hour) } });
    await h.db.apiKey.update({ where: { id: revoked?.id }, data: { revokedAt: new Date() } });
    const res = await h.app.inject({
      method: "GET",
      url: "/v1/keys?status=current&limit=100",
      headers: bearer(h.adminKey),
    });
    const ids = res.json().data.map((k: { id: string }) => k.id);
    expect(ids).toEqual(expect.arrayContaining([active?.id, expiring?.id]));
    expect(ids).not.toContain(expired?.id);
    expect(ids).not.toContain(revoked?.id);
  });

  it("401 without a key", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/keys" });
    expect(res.statusCode).toBe(401);
    expect(res.json().errors[0].code).toBe("UNAUTHORIZED");
  });

  it("403 for a key without keys:read, naming required and available scopes", async () => {
    const { secret } = await h.keyWithScopes(["audit:read", "keys:write"]);
    const res = await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(secret) });
    expect(res.statusCode).toBe(403);
    expect(res.headers["www-authenticate"]).toBe(
      'Bearer realm="keyward", error="insufficient_scope", scope="keys:read"',
    );
    expect(res.json()).toEqual({
      errors: [
        {
          code: "FORBIDDEN",
          message: "Insufficient permissions",
          details: { required: ["keys:read"], available: ["audit:read", "keys:write"] },
        },
      ],
    });
  });

  it.each([
    ["limit=0"],
    ["limit=1000"],
    ["limit=abc"],
    ["cursor=not-a-uuid"],
    ["before=not-a-uuid"],
    ["status=sleeping"],
    ["environment=prod"],
    ["unknown=1"],
  ])("400 VALIDATION_FAILED for ?%s", async (query) => {
    const res = await h.app.inject({ method: "GET", url: `/v1/keys?${query}`, headers: bearer(h.adminKey) });
    expect(res.statusCode).toBe(400);
    const error = res.json().errors[0];
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details.issues.length).toBeGreaterThan(0);
  });

  it("another company's key sees only its own keys", async () => {
    const other = await h.otherCompany();
    const res = await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(other.adminKey) });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((k: { name: string }) => k.name)).toEqual(["other admin"]);
  });
});
