// CSRF on the kw_session cookie: a change it authenticates needs Content-Type: application/json and,
// when an Origin is sent, this API's own origin or one in KEYWARD_TRUSTED_ORIGINS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { testIp } from "../test/credentials";
import { bearer, type Harness, startHarness } from "../test/harness";

const DASHBOARD = "https://dashboard.example.test";
const HOST = "api.example.test";
const ip = testIp();

let h: Harness;
let session: string;
beforeAll(async () => {
  h = await startHarness({ KEYWARD_TRUSTED_ORIGINS: `${DASHBOARD}, http://localhost:3000` });
  const login = await h.app.inject({
    method: "POST",
    url: "/v1/auth/login",
    payload: { key: h.adminKey },
    remoteAddress: ip,
  });
  session = (login.cookies as { name: string; value: string }[]).find((c) => c.name === "kw_session")?.value ?? "";
  expect(session).not.toBe("");
});
afterAll(() => h.close());

const NEW_KEY = JSON.stringify({ name: "csrf", scopes: ["keys:read"], environment: "test" });

function createKey(headers: Record<string, string>, payload = NEW_KEY) {
  return h.app.inject({
    method: "POST",
    url: "/v1/keys",
    headers: { host: HOST, ...headers },
    cookies: headers.authorization ? {} : { kw_session: session },
    payload,
    remoteAddress: ip,
  });
}

const json = { "content-type": "application/json" };

function expectCsrfRefusal(res: { statusCode: number; json: () => unknown }, message: RegExp) {
  expect(res.statusCode).toBe(403);
  expect(res.json()).toEqual({ errors: [{ code: "FORBIDDEN", message: expect.stringMatching(message) }] });
}

describe("CSRF: changes made with the kw_session cookie", () => {
  it("403 FORBIDDEN for a cross-site form post (Content-Type not JSON); nothing is created", async () => {
    const before = await h.db.apiKey.count();
    const form = await createKey(
      { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      "name=csrf&scopes=*&environment=live",
    );
    expectCsrfRefusal(form, /Content-Type: application\/json/);
    const text = await createKey({ "content-type": "text/plain" });
    expectCsrfRefusal(text, /Content-Type: application\/json/);
    expect(await h.db.apiKey.count()).toBe(before);
  });

  it("403 FORBIDDEN for a body-less POST or DELETE without JSON (mark alerts seen, delete a rule)", async () => {
    const seen = await h.app.inject({
      method: "POST",
      url: "/v1/alerts/seen",
      cookies: { kw_session: session },
      remoteAddress: ip,
    });
    expectCsrfRefusal(seen, /Content-Type: application\/json/);
    const del = await h.app.inject({
      method: "DELETE",
      url: "/v1/alert-rules/00000000-0000-7000-8000-000000000000",
      cookies: { kw_session: session },
      remoteAddress: ip,
    });
    expectCsrfRefusal(del, /Content-Type: application\/json/);
  });

  it.each(["https://evil.example", "null", `https://${HOST}.evil.example`, "not a url"])(
    "403 FORBIDDEN for a JSON change from Origin %j",
    async (origin) => {
      expectCsrfRefusal(await createKey({ ...json, origin }), /this API's origin or KEYWARD_TRUSTED_ORIGINS/);
    },
  );

  it.each([
    ["no Origin (not a browser, or a same-origin GET-style client)", {}],
    ["the API's own origin", { origin: `https://${HOST}` }],
    ["the API's own origin with its default port", { origin: `http://${HOST}`, host: `${HOST}:80` }],
    ["an origin in KEYWARD_TRUSTED_ORIGINS", { origin: DASHBOARD }],
  ])("201 for a JSON change from %s", async (_label, headers) => {
    expect((await createKey({ ...json, ...headers })).statusCode).toBe(201);
  });

  it("reads with the cookie are not affected, from any origin", async () => {
    const res = await h.app.inject({
      method: "GET",
      url: "/v1/keys",
      headers: { origin: "https://evil.example" },
      cookies: { kw_session: session },
      remoteAddress: ip,
    });
    expect(res.statusCode).toBe(200);
  });

  it("Bearer and X-API-Key changes are not affected (no cookie rides along by itself)", async () => {
    const evil = { origin: "https://evil.example" };
    expect((await createKey({ ...json, ...evil, ...bearer(h.adminKey) })).statusCode).toBe(201);
    const apiKey = await h.app.inject({
      method: "POST",
      url: "/v1/alerts/seen",
      headers: { ...evil, "x-api-key": h.adminKey },
      remoteAddress: ip,
    });
    expect(apiKey.statusCode).toBe(200);
  });

  it("KEYWARD_TRUSTED_ORIGINS refuses anything but origins, at start", () => {
    expect(() => loadEnv({ KEYWARD_TRUSTED_ORIGINS: "https://dash.example/path" })).toThrow(
      /KEYWARD_TRUSTED_ORIGINS.*not an origin/s,
    );
    expect(() => loadEnv({ KEYWARD_TRUSTED_ORIGINS: "dash.example" })).toThrow(/KEYWARD_TRUSTED_ORIGINS/);
  });
});
