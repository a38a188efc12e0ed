// The caller's identity reaches the upstream (a real server echoing the headers it received) as
// Keyward-Company-Id / Keyward-Key-Id / Keyward-Key-Scopes / Keyward-Key-Environment, set by the guard
// alone: forged ones are removed in any case, with or without a credential, and with auth disabled.
// One guard serves one company (its keys, its secret); an --all-companies guard serves every company's
// keys, each told as its own company, on a real database shared by both.
import { once } from "node:events";
import { type IncomingHttpHeaders, request } from "node:http";
import { createOperatorKey, issueGuardToken, setCompanySuspended } from "@keyward/core";
import { FailedAuthThrottle } from "@keyward/enforcement";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadGuardEnv } from "./env";
import { buildGuard } from "./server";
import { GUARD_TEST_SECRET, type ManagedGuard, startManagedGuard } from "./testing/managed-guard";
import { startUpstream, type Upstream } from "./testing/upstream";

const ROUTES = ["GET /vehicles/* -> vehicles:read"];
let upstream: Upstream;
let single: ManagedGuard;
let every: ManagedGuard;
let otherCompanyId: string;

beforeAll(async () => {
  upstream = await startUpstream();
  single = await startManagedGuard({ upstream: upstream.url, routes: ROUTES });
  every = await startManagedGuard({
    upstream: upstream.url,
    routes: ROUTES,
    shared: { db: single.db, companyId: single.companyId },
    allCompanies: true,
  });
  otherCompanyId = (await single.db.company.create({ data: { name: "Globex" } })).id;
});

afterAll(async () => {
  await every?.close();
  await single?.close();
  await upstream?.close();
});

/** Forged identity headers in odd cases, one of them twice. */
const FORGED = {
  "Keyward-Company-Id": "00000000-0000-4000-8000-000000000000",
  "KEYWARD-KEY-ID": ["forged-key", "forged-again"],
  "keyward-key-scopes": "*",
  "Keyward-Key-ENVIRONMENT": "live",
};

const IDENTITY = ["keyward-company-id", "keyward-key-id", "keyward-key-scopes", "keyward-key-environment"];
/** What the upstream receives when the guard knows nothing of the caller. */
const NONE: Record<string, string | undefined> = Object.fromEntries(IDENTITY.map((name) => [name, undefined]));

/** What the upstream received of the identity headers after `GET path` through `base` (node:http keeps the names' case). */
async function identityThrough(
  base: string,
  path: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; identity: Record<string, string | undefined> | null }> {
  const before = upstream.seen.length;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
  const seen = upstream.seen.slice(before).at(-1);
  return { status, identity: seen ? pick(seen.headers) : null };
}

const pick = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(IDENTITY.map((name) => [name, headers[name] as string | undefined]));

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe("a guard of one company", () => {
  it("a managed key: its company, id, scopes (space-separated) and environment, never the forged ones", async () => {
    const key = await single.key(["vehicles:read", "reports:read"], { environment: "test" });
    expect(await identityThrough(single.url, "/vehicles/1", { ...FORGED, ...bearer(key.secret) })).toEqual({
      status: 200,
      identity: {
        "keyward-company-id": single.companyId,
        "keyward-key-id": key.id,
        // As the key stores them (sorted).
        "keyward-key-scopes": "reports:read vehicles:read",
        "keyward-key-environment": "test",
      },
    });
  });

  it("the guard secret and its token: the guard's company only, the forged key headers removed", async () => {
    const companyOnly = { ...NONE, "keyward-company-id": single.companyId };
    expect(await identityThrough(single.url, "/admin", { ...FORGED, "keyward-auth-key": GUARD_TEST_SECRET })).toEqual({
      status: 200,
      identity: companyOnly,
    });
    const { token } = await issueGuardToken(GUARD_TEST_SECRET, 3600, { companyId: single.companyId });
    expect(await identityThrough(single.url, "/admin", { ...FORGED, "keyward-auth-token": token })).toEqual({
      status: 200,
      identity: companyOnly,
    });
  });

  it("401: a token issued for another company's guard sharing the secret; nothing reaches the upstream", async () => {
    const { token } = await issueGuardToken(GUARD_TEST_SECRET, 3600, { companyId: otherCompanyId });
    expect(await identityThrough(single.url, "/admin", { "keyward-auth-token": token })).toEqual({
      status: 401,
      identity: null,
    });
  });

  it("a WebSocket upgrade with a key carries its identity, not the forged one", async () => {
    const key = await single.key(["vehicles:read"]);
    const socket = new WebSocket(`${single.url.replace("http", "ws")}/vehicles/live`, {
      headers: { ...FORGED, ...bearer(key.secret) },
    });
    await once(socket, "open");
    // The echo proves the upstream holds the connection, so it has recorded the upgrade.
    socket.send("hi");
    await once(socket, "message");
    socket.close();
    const seen = upstream.seen.filter((s) => s.method === "WS").at(-1);
    expect(pick(seen?.headers ?? {})).toEqual({
      "keyward-company-id": single.companyId,
      "keyward-key-id": key.id,
      "keyward-key-scopes": "vehicles:read",
      "keyward-key-environment": "live",
    });
  });
});

describe("an --all-companies guard", () => {
  it("accepts the keys of two companies and tells each one's company; route rules apply to both", async () => {
    const ours = await every.key(["vehicles:read"]);
    const theirs = await every.key(["vehicles:read"], { companyId: otherCompanyId });
    const first = await identityThrough(every.url, "/vehicles/1", { ...FORGED, ...bearer(ours.secret) });
    expect(first.status).toBe(200);
    expect(first.identity).toMatchObject({ "keyward-company-id": single.companyId, "keyward-key-id": ours.id });
    const second = await identityThrough(every.url, "/vehicles/1", { ...FORGED, ...bearer(theirs.secret) });
    expect(second.status).toBe(200);
    expect(second.identity).toMatchObject({ "keyward-company-id": otherCompanyId, "keyward-key-id": theirs.id });
    // No rule lists /admin: refused to every company's keys alike.
    expect((await identityThrough(every.url, "/admin", bearer(theirs.secret))).status).toBe(403);
  });

  it("401 for an operator key (it belongs to no company) and for a key of a suspended company", async () => {
    const operator = await createOperatorKey(single.db, { name: "backend", scopes: ["keys:verify"] }, null);
    const before = upstream.seen.length;
    expect((await identityThrough(every.url, "/vehicles/1", bearer(operator.secret))).status).toBe(401);
    expect((await identityThrough(single.url, "/vehicles/1", bearer(operator.secret))).status).toBe(401);

    const suspended = (await single.db.company.create({ data: { name: "Paused" } })).id;
    const key = await every.key(["vehicles:read"], { companyId: suspended });
    expect((await identityThrough(every.url, "/vehicles/1", bearer(key.secret))).status).toBe(200);
    await setCompanySuspended(single.db, suspended, true, { type: "system" });
    await every.pipeline.keyChanges.poll();
    expect((await identityThrough(every.url, "/vehicles/1", bearer(key.secret))).status).toBe(401);
    expect(upstream.seen.length).toBe(before + 1);
  });

  it("the guard secret names no company: every identity header is removed", async () => {
    expect(await identityThrough(every.url, "/admin", { ...FORGED, "keyward-auth-key": GUARD_TEST_SECRET })).toEqual({
      status: 200,
      identity: NONE,
    });
  });
});

describe("without authentication", () => {
  let open: FastifyInstance;
  let openUrl: string;

  beforeAll(async () => {
    open = await buildGuard({
      upstream: new URL(upstream.url),
      authEnabled: false,
      secret: { current: () => GUARD_TEST_SECRET },
      company: null,
      routes: [],
      pipeline: null,
      throttle: new FailedAuthThrottle({ redis: null, limit: 1000, windowSeconds: 60 }),
      env: loadGuardEnv({ NODE_ENV: "test", LOG_LEVEL: "warn" }),
    });
    await open.listen({ port: 0, host: "127.0.0.1" });
    openUrl = `http://127.0.0.1:${(open.server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await open?.close();
  });

  it("--auth-enabled=false lets the request through without any forged identity header", async () => {
    expect(await identityThrough(openUrl, "/anything", FORGED)).toEqual({
      status: 200,
      identity: NONE,
    });
  });
});
