// Keyward's session cookies stop at the guard, on HTTP and on WebSocket upgrades; the upstream (a
// real server recording the Cookie header it received) gets every other cookie byte for byte.
import { once } from "node:events";
import { request } from "node:http";
import { FailedAuthThrottle } from "@keyward/enforcement";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadGuardEnv } from "./env";
import { buildGuard } from "./server";
import { isKeywardSessionCookie, withoutKeywardCookies } from "./session-cookies";
import { GUARD_TEST_SECRET } from "./testing/managed-guard";
import { startUpstream, type Upstream } from "./testing/upstream";

const SECRET = GUARD_TEST_SECRET;
let upstream: Upstream;
let guard: FastifyInstance;
let url: string;

beforeAll(async () => {
  upstream = await startUpstream();
  guard = await buildGuard({
    upstream: new URL(upstream.url),
    authEnabled: true,
    secret: { current: () => SECRET },
    company: null,
    routes: [],
    pipeline: null,
    throttle: new FailedAuthThrottle({ redis: null, limit: 1000, windowSeconds: 60 }),
    env: loadGuardEnv({ NODE_ENV: "test", LOG_LEVEL: "warn" }),
  });
  await guard.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(guard.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await guard?.close();
  await upstream?.close();
});

/** Opens a WebSocket through the guard and returns the Cookie header of the upgrade the upstream received. */
async function upgradeCookie(cookie: string): Promise<string | undefined> {
  const socket = new WebSocket(`${url.replace("http", "ws")}/socket`, {
    headers: { "keyward-auth-key": SECRET, cookie },
  });
  await once(socket, "open");
  // The guard opens its upstream socket after answering the client: an echo proves it is connected.
  socket.send("ping");
  await once(socket, "message");
  socket.close();
  return upstream.seen.filter((s) => s.method === "WS").at(-1)?.headers.cookie;
}

/** Sends exactly this Cookie header (node:http, so nothing rewrites it) and returns what the upstream saw. */
async function forwardedCookie(cookie: string): Promise<string | undefined> {
  const before = upstream.seen.length;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${url}/page`, { headers: { "keyward-auth-key": SECRET, cookie } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
  expect(status).toBe(200);
  expect(upstream.seen.length).toBe(before + 1);
  const header = upstream.seen.at(-1)?.headers.cookie;
  return Array.isArray(header) ? header.join("; ") : header;
}

const SESSION_COOKIES = [
  "kw_session=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJrZXkifQ.c2ln",
  "authjs.session-token=eyJhbGciOiJkaXIifQ..aaa.bbb.ccc",
  "__Secure-authjs.session-token=eyJhbGciOiJkaXIifQ..ddd.eee.fff",
  "authjs.session-token.0=chunk-zero",
  "__Secure-authjs.session-token.1=chunk-one",
  "authjs.csrf-token=abc%7Cdef",
  "__Host-authjs.csrf-token=abc%7Cdef",
  "authjs.callback-url=http%3A%2F%2F127.0.0.1%3A3000",
  "__Secure-authjs.callback-url=https%3A%2F%2Fkeyward.example",
];

describe("Keyward's session cookies are stripped before the upstream", () => {
  it("HTTP: kw_session and every Auth.js cookie (session, chunks, csrf, callback) are removed; others kept as sent", async () => {
    const others = ["theme=dark", "cart=a%3Bb", 'quoted="x y"', "kw_session_pref=1", "my.authjs=keep"];
    const mixed = [
      SESSION_COOKIES[0],
      others[0],
      ...SESSION_COOKIES.slice(1, 5),
      others[1],
      others[2],
      ...SESSION_COOKIES.slice(5),
      others[3],
      others[4],
    ].join("; ");
    expect(await forwardedCookie(mixed)).toBe(others.join("; "));
  });

  it("HTTP: the spacing of what remains is untouched, and a header of only session cookies is dropped", async () => {
    expect(await forwardedCookie("a=1;b=2;kw_session=x;c=3")).toBe("a=1;b=2;c=3");
    expect(await forwardedCookie("a=1;  kw_session=x;  b=2")).toBe("a=1;  b=2");
    expect(await forwardedCookie("plain=value")).toBe("plain=value");
    expect(await forwardedCookie(`${SESSION_COOKIES[0]}; ${SESSION_COOKIES[1]}`)).toBeUndefined();
  });

  it("WebSocket: the upgrade forwards other cookies and strips Keyward's", async () => {
    const cookie = `theme=dark; ${SESSION_COOKIES[0]}; ${SESSION_COOKIES[2]}; lang=fr; ${SESSION_COOKIES[3]}`;
    expect(await upgradeCookie(cookie)).toBe("theme=dark; lang=fr");
  });

  it("WebSocket: an upgrade with only Keyward's cookies reaches the upstream with no Cookie header", async () => {
    expect(await upgradeCookie(SESSION_COOKIES.join("; "))).toBeUndefined();
  });

  it("the names: exact, case-sensitive, prefixes and chunks; look-alikes are not Keyward's", () => {
    for (const c of SESSION_COOKIES) expect(isKeywardSessionCookie(c.split("=")[0] as string)).toBe(true);
    for (const name of [
      "KW_SESSION",
      "kw_session_pref",
      "xkw_session",
      "authjs",
      "next-auth.session-token",
      "a.authjs.x",
    ])
      expect(isKeywardSessionCookie(name)).toBe(false);
    expect(withoutKeywardCookies("a=1")).toBe("a=1");
    expect(withoutKeywardCookies(" kw_session=1 ; ")).toBeUndefined();
  });
});
