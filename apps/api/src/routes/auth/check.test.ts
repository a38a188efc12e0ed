import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, INVALID_TOKEN, loginUser, testIp, UNAUTHORIZED_BODY } from "../../test/credentials";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
const ip = testIp();
let session: string;
beforeAll(async () => {
  h = await startHarness();
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/auth/login",
    payload: { key: h.adminKey },
    remoteAddress: ip,
  });
  session = res.cookies[0]?.value ?? "";
});
afterAll(() => h.close());

const check = (opts: { cookie?: string; headers?: Record<string, string>; from?: string } = {}) =>
  h.app.inject({
    method: "GET",
    url: "/v1/auth/check",
    remoteAddress: opts.from ?? ip,
    ...(opts.cookie === undefined ? {} : { cookies: { kw_session: opts.cookie } }),
    ...(opts.headers ? { headers: opts.headers } : {}),
  });

describe("GET /v1/auth/check", () => {
  it("200 for the kw_session cookie: the session's company, key, scopes and end", async () => {
    const res = await check({ cookie: session });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      authenticated: true,
      type: "token",
      company: { id: h.companyId, name: "Acme" },
      scopes: ["*"],
      keyId: expect.any(String),
      environment: "live",
      expiresAt: expect.any(String),
    });
  });

  it("200 for a user token (a viewer holds *:read) and for a plain key", async () => {
    const viewer = await addMember(h.db, h.companyId, "viewer");
    const token = await loginUser(h.app, viewer.email, viewer.password, ip);
    const res = await check({ headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: "user", userId: viewer.userId, role: "viewer", scopes: ["*:read"] });
    const byKey = await check({ headers: bearer(h.readOnlyKey) });
    expect(byKey.json()).toMatchObject({ type: "key", scopes: ["*:read"], environment: "test" });
  });

  it("a header credential wins over the cookie", async () => {
    const res = await check({ cookie: session, headers: bearer(h.readOnlyKey) });
    expect(res.json()).toMatchObject({ type: "key", scopes: ["*:read"] });
  });

  it("401 without a session: WWW-Authenticate names the realm only", async () => {
    const res = await check();
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="keyward"');
    expect(res.json()).toEqual(UNAUTHORIZED_BODY);
  });

  it.each<[string, () => string]>([
    ["a cookie that is not a JWT", () => "not-a-token"],
    ["a tampered cookie", () => `${session.slice(0, -4)}AAAA`],
    ["an API key in the cookie", () => h.adminKey],
  ])("401 invalid_token for %s", async (_label, cookie) => {
    const res = await check({ cookie: cookie(), from: testIp() });
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toBe(INVALID_TOKEN);
    expect(res.json()).toEqual(UNAUTHORIZED_BODY);
  });

  it("401 once the key behind the session is revoked", async () => {
    const k = await h.keyWithScopes(["*"]);
    const login = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { key: k.secret },
      remoteAddress: ip,
    });
    const cookie = login.cookies[0]?.value ?? "";
    expect((await check({ cookie })).statusCode).toBe(200);
    await h.app.inject({
      method: "POST",
      url: `/v1/keys/${k.id}/revoke`,
      headers: bearer(h.adminKey),
      remoteAddress: ip,
      payload: {},
    });
    expect((await check({ cookie, from: testIp() })).statusCode).toBe(401);
  });

  it("cross-tenant: another company's session names its own company and cannot read this one's keys", async () => {
    const other = await h.otherCompany();
    const login = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { key: other.adminKey },
      remoteAddress: ip,
    });
    const cookie = login.cookies[0]?.value ?? "";
    expect((await check({ cookie })).json().company.id).toBe(other.companyId);
    const mine = await h.keyWithScopes(["keys:read"]);
    const res = await h.app.inject({
      method: "GET",
      url: `/v1/keys/${mine.id}`,
      cookies: { kw_session: cookie },
      remoteAddress: ip,
    });
    expect(res.statusCode).toBe(404);
  });
});
