import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIp } from "../../test/credentials";
import { type Harness, startHarness } from "../../test/harness";

let h: Harness;
const ip = testIp();
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("POST /v1/auth/logout", () => {
  it("200 clears the kw_session cookie with the attributes it was set with", async () => {
    const login = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { key: h.adminKey },
      remoteAddress: ip,
    });
    const session = login.cookies[0]?.value ?? "";
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/auth/logout",
      cookies: { kw_session: session },
      remoteAddress: ip,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ authenticated: false });
    const [cleared] = res.cookies as { name: string; value: string; expires?: Date; [k: string]: unknown }[];
    expect(cleared).toMatchObject({ name: "kw_session", value: "", path: "/", httpOnly: true, sameSite: "Lax" });
    expect(cleared?.expires?.getTime()).toBeLessThan(Date.now());
  });

  it("200 without a session too: a browser whose session expired can still drop the cookie", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/auth/logout",
      cookies: { kw_session: "expired.or.garbage" },
      remoteAddress: ip,
    });
    expect(res.statusCode).toBe(200);
    expect(res.cookies[0]).toMatchObject({ name: "kw_session", value: "" });
  });

  it("Secure is set on the cookie in production", async () => {
    const prod = await startHarness({ NODE_ENV: "production", KEYWARD_ENCRYPTION_KEY: "a".repeat(64) });
    try {
      const login = await prod.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        payload: { key: prod.adminKey },
        remoteAddress: ip,
      });
      expect(login.cookies[0]).toMatchObject({ name: "kw_session", secure: true, httpOnly: true, sameSite: "Lax" });
      const logout = await prod.app.inject({ method: "POST", url: "/v1/auth/logout", remoteAddress: ip });
      expect(logout.cookies[0]).toMatchObject({ name: "kw_session", secure: true });
    } finally {
      await prod.close();
    }
  });

  it("Secure follows HTTPS outside production: set when a trusted proxy says the request came over https", async () => {
    const proxied = await startHarness({ TRUST_PROXY: ip });
    try {
      const login = (proto: string) =>
        proxied.app.inject({
          method: "POST",
          url: "/v1/auth/login",
          payload: { key: proxied.adminKey },
          headers: { "x-forwarded-proto": proto },
          remoteAddress: ip,
        });
      expect((await login("https")).cookies[0]).toMatchObject({ name: "kw_session", secure: true });
      expect((await login("http")).cookies[0]?.secure).toBeUndefined();
    } finally {
      await proxied.close();
    }
  });
});
