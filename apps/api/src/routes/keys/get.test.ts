import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("GET /v1/keys/:id", () => {
  it("200 returns the key without its secret", async () => {
    const { id, secret } = await h.keyWithScopes(["usage:read"]);
    const res = await h.app.inject({ method: "GET", url: `/v1/keys/${id}`, headers: bearer(h.readOnlyKey) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, scopes: ["usage:read"], status: "active" });
    expect(res.body).not.toContain(secret);
  });

  it("400 for an id that is not a UUID", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/keys/abc", headers: bearer(h.adminKey) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("401 without a key", async () => {
    const { id } = await h.keyWithScopes(["usage:read"]);
    expect((await h.app.inject({ method: "GET", url: `/v1/keys/${id}` })).statusCode).toBe(401);
  });

  it("403 without keys:read", async () => {
    const { id, secret } = await h.keyWithScopes(["usage:read"]);
    const res = await h.app.inject({ method: "GET", url: `/v1/keys/${id}`, headers: bearer(secret) });
    expect(res.statusCode).toBe(403);
  });

  it("404 for an unknown id and for another company's key, with the same body", async () => {
    const other = await h.otherCompany();
    const { id } = await h.keyWithScopes(["usage:read"]);
    const foreign = await h.app.inject({ method: "GET", url: `/v1/keys/${id}`, headers: bearer(other.adminKey) });
    const unknown = await h.app.inject({
      method: "GET",
      url: "/v1/keys/00000000-0000-7000-8000-000000000000",
      headers: bearer(h.adminKey),
    });
    expect(foreign.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(foreign.json()).toEqual(unknown.json());
    expect(foreign.json().errors[0].code).toBe("NOT_FOUND");
  });
});
