// The database gone under a running API (the embedded server stopped, or the PostgreSQL database
// dropped): what the API knows from cache it still answers, everything else is a 503
// SERVICE_UNAVAILABLE with the contract's error body, never a 500.
import { createServer, type Socket } from "node:net";
import { generateKey } from "@keyward/auth-core";
import { createDb } from "@keyward/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app";
import { loadEnv } from "../env";
import { loginUser, testIp } from "../test/credentials";
import { bearer, type Harness, startHarness } from "../test/harness";

const UNAVAILABLE = {
  errors: [{ code: "SERVICE_UNAVAILABLE", message: expect.any(String) }],
};

let h: Harness;
let uncachedKey: string;
let userToken: string;
let routes: { method: string; path: string }[];
const ip = testIp();

beforeAll(async () => {
  h = await startHarness();
  uncachedKey = (await h.keyWithScopes(["*"])).secret;
  userToken = await loginUser(h.app, "owner@acme.test", "correct horse battery", ip);
  // Used once while the database is up: these credentials (and their company) are now in cache.
  for (const credential of [h.adminKey, h.readOnlyKey, userToken]) {
    const res = await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(credential), remoteAddress: ip });
    expect(res.statusCode).toBe(200);
  }
  const spec = (await h.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
  await h.database.drop();
  // The key-change feed has failed to read the log once, as it does within 100 ms of the drop.
  await h.app.keyward.keyChanges.poll();
});
afterAll(() => h.close());

const call = (method: string, url: string, credential?: string, payload?: object) =>
  h.app.inject({
    method: method as "GET",
    url,
    headers: credential ? bearer(credential) : {},
    remoteAddress: ip,
    ...(payload ? { payload } : {}),
  });

describe("with the database down", () => {
  it("200 GET /v1/me for a key in cache: its company's name comes from cache too", async () => {
    const res = await call("GET", "/v1/me", h.readOnlyKey);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: "key", company: { id: h.companyId, name: "Acme" }, scopes: ["*:read"] });
  });

  it("200 GET /v1/me for a user token seen before (without the user's companies, which need the database)", async () => {
    const res = await call("GET", "/v1/me", userToken);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: "user", company: { id: h.companyId, name: "Acme" }, role: "owner" });
    expect(res.json().companies).toBeUndefined();
  });

  it("200 POST /v1/keys/verify of a key in cache, by a key in cache", async () => {
    const res = await call("POST", "/v1/keys/verify", h.adminKey, { key: h.readOnlyKey });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ valid: true, code: "VALID" });
  });

  it("503 SERVICE_UNAVAILABLE for a valid key that is not in cache", async () => {
    const res = await call("GET", "/v1/me", uncachedKey);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(UNAVAILABLE);
  });

  it.each([
    ["GET", "/v1/keys", undefined],
    ["POST", "/v1/keys", { name: "while down", scopes: ["keys:read"], environment: "live" }],
    ["GET", "/v1/keys/00000000-0000-4000-8000-000000000000", undefined],
    ["PATCH", "/v1/keys/00000000-0000-4000-8000-000000000000", { name: "renamed" }],
    ["POST", "/v1/keys/00000000-0000-4000-8000-000000000000/revoke", {}],
    ["GET", "/v1/usage", undefined],
    ["GET", "/v1/audit-events", undefined],
    ["GET", "/v1/audit-events/export.csv", undefined],
    ["GET", "/v1/alert-rules", undefined],
    ["GET", "/v1/alerts", undefined],
    ["GET", "/v1/events/stream", undefined],
    ["GET", "/v1/keys/changes", undefined],
  ])("503 SERVICE_UNAVAILABLE, not 500: %s %s", async (method, url, payload) => {
    const res = await call(method, url, h.adminKey, payload);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(UNAVAILABLE);
  });

  it("503 SERVICE_UNAVAILABLE for POST /v1/auth/login", async () => {
    const res = await call("POST", "/v1/auth/login", undefined, {
      email: "owner@acme.test",
      password: "correct horse battery",
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(UNAVAILABLE);
  });

  it("never a 500 on any route of /openapi.json, and every error has the contract's body", async () => {
    expect(routes.length).toBeGreaterThan(20);
    const id = "00000000-0000-4000-8000-000000000000";
    for (const { method, path } of routes) {
      const url = path.replace(/\{[^}]+\}/g, id);
      for (const credential of [h.adminKey, userToken, undefined]) {
        const payload = method === "GET" || method === "DELETE" ? undefined : {};
        const res = await call(method, url, credential, payload);
        expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 300)}`).not.toBe(500);
        // /v1/health answers 503 with its own report ({status, db, redis}), by design.
        if (res.statusCode >= 400 && path !== "/v1/health") {
          expect(res.json().errors?.[0]?.code, `${method} ${url}`).toEqual(expect.any(String));
        }
      }
    }
  });
});

describe("with a database that accepts connections and never answers", () => {
  it("503 SERVICE_UNAVAILABLE once the connect timeout passes, instead of a request that hangs", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const db = createDb(`postgresql://postgres@127.0.0.1:${port}/none`, { connectTimeoutMs: 300 });
    const app = await buildApp({ db, env: loadEnv({ LOG_LEVEL: "silent", NODE_ENV: "test" }) });
    try {
      const login = await app.inject({
        method: "POST",
        url: "/v1/auth/login",
        payload: { email: "owner@acme.test", password: "correct horse battery" },
      });
      expect(login.statusCode).toBe(503);
      expect(login.json()).toEqual(UNAVAILABLE);
      const unknownKey = generateKey({ prefix: "kw", environment: "live" }).key;
      const me = await app.inject({ method: "GET", url: "/v1/me", headers: bearer(unknownKey) });
      expect(me.statusCode).toBe(503);
      expect(me.json()).toEqual(UNAVAILABLE);
    } finally {
      await app.close();
      await db.$disconnect();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 30_000);
});
