// The guard judges exactly the path it forwards: the request target is made canonical once (repeated
// slashes, backslashes, dot segments in any encoding, escapes of unreserved characters), the rule is
// chosen for that path, and the upstream (a real server recording what it received) gets that path.
// Encoded slashes and dot segments with `;` parameters are refused: upstreams read them differently.
import { once } from "node:events";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { canonicalTarget } from "./request-path";
import { matchRoute, parseRouteRule } from "./route-rules";
import { type ManagedGuard, startManagedGuard } from "./testing/managed-guard";
import { startUpstream, type Upstream } from "./testing/upstream";

const RULES = ["GET /admin/* -> admin:read", "GET /* -> public:read"];
let upstream: Upstream;
let guard: ManagedGuard;
let admin: string;
let visitor: string;

beforeAll(async () => {
  upstream = await startUpstream();
  // The upstream URL has a path: `/api//admin/users` is what slipped through before.
  guard = await startManagedGuard({ upstream: `${upstream.url}/api`, routes: RULES });
  admin = (await guard.key(["admin:read", "public:read"])).secret;
  visitor = (await guard.key(["public:read"])).secret;
});

afterAll(async () => {
  await guard?.close();
  await upstream?.close();
});

interface Sent {
  status: number;
  body: { errors?: [{ code: string; message: string }] };
  /** The request target the upstream received, or null when nothing reached it. */
  received: string | null;
}

/** Sends `path` exactly as written (node:http does not resolve or encode it). */
async function send(path: string, key: string): Promise<Sent> {
  const before = upstream.seen.length;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${guard.url}/`, { path, headers: { authorization: `Bearer ${key}` } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end();
  });
  const received = upstream.seen.length > before ? (upstream.seen.at(-1)?.url ?? null) : null;
  return { status, body: text.startsWith("{") ? JSON.parse(text) : {}, received };
}

const adminRule = (receivedPath: string) => {
  const rules = RULES.map(parseRouteRule);
  const path = decodeURIComponent(receivedPath.replace(/^\/api/, "").split("?")[0] as string);
  return matchRoute(rules, "GET", path)?.text;
};

describe("the path judged is the path forwarded", () => {
  const DODGES: [string, string][] = [
    ["//admin/users", "/api/admin/users"],
    ["/./admin/x", "/api/admin/x"],
    ["/foo/../admin/x", "/api/admin/x"],
    ["/public/../../admin/x", "/api/admin/x"],
    ["/%2e%2e/admin/x", "/api/admin/x"],
    ["/foo/%2E%2e/admin/x", "/api/admin/x"],
    ["/foo/.%2e/admin/x", "/api/admin/x"],
    ["/%2e/admin/x", "/api/admin/x"],
    ["/\\admin\\x", "/api/admin/x"],
    ["/public\\..\\admin//x", "/api/admin/x"],
    ["/adm%69n/x", "/api/admin/x"],
    ["///admin///x", "/api/admin/x"],
    ["/admin/x/.", "/api/admin/x/"],
  ];

  it.each(DODGES)("403 FORBIDDEN: %s is judged as the admin route it reaches (%s)", async (path, expected) => {
    const refused = await send(path, visitor);
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0].code).toBe("FORBIDDEN");
    expect(refused.received).toBeNull();
    // With the scope it needs, the same request reaches exactly that path, and that path's rule is the admin one.
    const allowed = await send(path, admin);
    expect(allowed.status).toBe(200);
    expect(allowed.received).toBe(expected);
    expect(adminRule(allowed.received as string)).toBe("GET /admin/* -> admin:read");
  });

  it.each([
    ["/admin%2fx", "encoded slash"],
    ["/public/..%2Fadmin/x", "encoded slash"],
    ["/public%5C..%5Cadmin", "encoded backslash"],
    ["/public/..;/admin/x", "dot segment with parameters"],
    ["/public/.;x/admin", "dot segment with parameters"],
    ["/public/%2e%2e;/admin/x", "dot segment with parameters"],
    ["/public/%zz", "malformed escape"],
    ["/public/%", "malformed escape"],
    ["/public/%00x", "control character"],
    ["/public/%FF", "not UTF-8"],
  ])("400 VALIDATION_FAILED: %s (%s) is refused and never reaches the upstream", async (path) => {
    const sent = await send(path, admin);
    expect(sent.status).toBe(400);
    expect(sent.body.errors?.[0].code).toBe("VALIDATION_FAILED");
    expect(sent.received).toBeNull();
  });

  it("400: a target that does not start with / never reaches the upstream (Node's parser refuses it)", async () => {
    for (const path of ["\\admin\\x", "admin/x"]) {
      const sent = await send(path, admin);
      expect(sent.status, path).toBe(400);
      expect(sent.received, path).toBeNull();
    }
  });

  it("paths are case-sensitive: /ADMIN/x is not the admin rule, and the upstream receives /ADMIN/x", async () => {
    const sent = await send("/ADMIN/x", visitor);
    expect(sent.status).toBe(200);
    expect(sent.received).toBe("/api/ADMIN/x");
  });

  it("200: ordinary paths and queries arrive unchanged; escapes of reserved characters stay escaped", async () => {
    for (const [path, expected] of [
      ["/public/a/b?x=1&y=2", "/api/public/a/b?x=1&y=2"],
      ["/public/caf%C3%A9", "/api/public/caf%C3%A9"],
      ["/public/a%3Fb%23c%25d", "/api/public/a%3Fb%23c%25d"],
      ["/public/keys:rotate;v=1", "/api/public/keys:rotate;v=1"],
      ["/public/", "/api/public/"],
      ["/public/%7euser", "/api/public/~user"],
      ["/public/a#b", "/api/public/a%23b"],
    ]) {
      const sent = await send(path as string, visitor);
      expect(sent.status, path).toBe(200);
      expect(sent.received, path).toBe(expected);
    }
  });

  it("WebSocket upgrades: //admin is judged as /admin (403 without admin:read) and reaches /api/admin", async () => {
    const base = guard.url.replace("http", "ws");
    // Sent raw: the ws client would resolve the URL itself.
    expect(await upgradeStatus(guard.url, "//admin/socket", visitor)).toBe(403);
    expect(await upgradeStatus(guard.url, "/adm%69n/socket", visitor)).toBe(403);
    expect(await upgradeStatus(guard.url, "/admin%2Fsocket", admin)).toBe(400);
    const before = upstream.seen.length;
    const socket = new WebSocket(`${base}//admin/socket`, { headers: { authorization: `Bearer ${admin}` } });
    await once(socket, "open");
    socket.send("ping");
    await once(socket, "message");
    socket.close();
    expect(upstream.seen.slice(before).find((s) => s.method === "WS")?.url).toBe("/api/admin/socket");
  });
});

/** The status of a WebSocket upgrade for `path` (the ws client keeps `//` and escapes as written). */
async function upgradeStatus(origin: string, path: string, key: string): Promise<number> {
  const socket = new WebSocket(`${origin.replace("http", "ws")}${path}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  socket.on("error", () => {});
  const status = await Promise.race([
    once(socket, "open").then(() => 101),
    once(socket, "unexpected-response").then(([, res]) => (res as { statusCode: number }).statusCode),
  ]);
  socket.terminate();
  return status;
}

describe("canonicalTarget", () => {
  it("one canonical form: the forwarded URL and the decoded path rules are matched against", () => {
    expect(canonicalTarget("//admin/users?x=%2F")).toEqual({
      ok: true,
      url: "/admin/users?x=%2F",
      path: "/admin/users",
    });
    expect(canonicalTarget("/caf%c3%a9/%41")).toEqual({ ok: true, url: "/caf%C3%A9/A", path: "/café/A" });
    expect(canonicalTarget("/a/b/..")).toEqual({ ok: true, url: "/a/", path: "/a/" });
    expect(canonicalTarget("/")).toEqual({ ok: true, url: "/", path: "/" });
    expect(canonicalTarget("/..")).toEqual({ ok: true, url: "/", path: "/" });
    expect(canonicalTarget("http://evil.example/admin")).toMatchObject({ ok: false });
    expect(canonicalTarget("*")).toMatchObject({ ok: false });
  });
});
