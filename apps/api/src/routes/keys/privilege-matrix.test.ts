// The privilege matrix (issue 11): every route that creates or changes a key × credentials whose
// scopes are narrower than, equal to or wider than the key's, in every form a credential takes
// (an API key, a JWT exchanged from it, an HS256 user token, a dashboard user's token). A credential
// may act only on keys its own scopes cover; a refusal is 403 FORBIDDEN naming the lacking scopes,
// and changes nothing in the database.
import { generateKey, hashPassword } from "@keyward/auth-core";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

const JWT_SECRET = "privilege-matrix-shared-secret-0123456789";

let h: Harness;
let ownerToken: string;
let viewerToken: string;
beforeAll(async () => {
  // Usage is never flushed during the file: a refused request must leave every row as it was.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000", KEYWARD_JWT_SECRET: JWT_SECRET });
  ownerToken = await login("owner@acme.test", "correct horse battery");
  const viewer = await h.db.user.create({
    data: { email: "viewer@acme.test", passwordHash: await hashPassword("viewer password 1") },
  });
  await h.db.membership.create({ data: { companyId: h.companyId, userId: viewer.id, role: "viewer" } });
  viewerToken = await login("viewer@acme.test", "viewer password 1");
});
afterAll(() => h.close());

async function login(email: string, password: string): Promise<string> {
  const res = await h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return res.json().token;
}

/** The scopes of every key the routes act on, and the scopes of the callers around them. */
const TARGET = ["audit:read", "keys:write"];
const NARROWER = ["keys:write"]; // lacks audit:read
const LEVELS = {
  narrower: NARROWER,
  equal: TARGET,
  wider: ["*:read", "keys:*"],
} as const;
type Level = keyof typeof LEVELS;

/** A credential holding `scopes`, in one of the forms the API accepts. */
const FORMS: Record<string, (scopes: string[]) => Promise<string>> = {
  "API key": async (scopes) => (await h.keyWithScopes(scopes)).secret,
  "JWT exchanged from a key": async (scopes) => {
    const { secret } = await h.keyWithScopes(scopes);
    const res = await h.app.inject({ method: "POST", url: "/v1/auth/token", headers: bearer(secret) });
    return res.json().token;
  },
  "HS256 user token": (scopes) =>
    new SignJWT({ company: h.companyId, scope: scopes.join(" ") })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(crypto.randomUUID())
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(JWT_SECRET)),
};

interface Operation {
  /** The route, and what it does. */
  name: string;
  /** Success status for a caller that covers the key. */
  ok: number;
  /** Creates what the request acts on (before the snapshot), and returns the request. */
  prepare: () => Promise<{ method: "POST" | "PATCH"; url: string; payload?: unknown }>;
}

const importEntry = () => ({ name: "imported", hash: generateKey({ prefix: "kw", environment: "live" }).hash });

const OPERATIONS: Operation[] = [
  {
    name: "POST /v1/keys (create a key with the target's scopes)",
    ok: 201,
    prepare: async () => ({
      method: "POST",
      url: "/v1/keys",
      payload: { name: "new", scopes: TARGET, environment: "live" },
    }),
  },
  {
    name: "POST /v1/keys/import (import a key with the target's scopes)",
    ok: 201,
    prepare: async () => ({
      method: "POST",
      url: "/v1/keys/import",
      payload: { keys: [{ ...importEntry(), scopes: TARGET, environment: "live" }] },
    }),
  },
  {
    name: "PATCH /v1/keys/:id (rename the target)",
    ok: 200,
    prepare: async () => ({ method: "PATCH", url: `/v1/keys/${(await target()).id}`, payload: { name: "renamed" } }),
  },
  {
    name: "PATCH /v1/keys/:id (lock the target out with an IP allowlist)",
    ok: 200,
    prepare: async () => ({
      method: "PATCH",
      url: `/v1/keys/${(await target()).id}`,
      payload: { ipAllowlist: ["192.0.2.1"] },
    }),
  },
  {
    name: "PATCH /v1/keys/:id (narrow the target's scopes)",
    ok: 200,
    prepare: async () => ({
      method: "PATCH",
      url: `/v1/keys/${(await target()).id}`,
      payload: { scopes: NARROWER },
    }),
  },
  {
    name: "PATCH /v1/keys/:id (widen a key the caller covers to the target's scopes)",
    ok: 200,
    prepare: async () => ({
      method: "PATCH",
      url: `/v1/keys/${(await h.keyWithScopes(NARROWER)).id}`,
      payload: { scopes: TARGET },
    }),
  },
  {
    name: "POST /v1/keys/:id/rotate (rotate the target)",
    ok: 201,
    prepare: async () => ({
      method: "POST",
      url: `/v1/keys/${(await target()).id}/rotate`,
      payload: { gracePeriodSeconds: 3600 },
    }),
  },
  {
    name: "POST /v1/keys/:id/revoke (revoke the target)",
    ok: 200,
    prepare: async () => ({ method: "POST", url: `/v1/keys/${(await target()).id}/revoke`, payload: {} }),
  },
];

const target = () => h.keyWithScopes(TARGET);

/** Everything a key-changing request could write: every key row, the audit log, the key-change log. */
async function snapshot(): Promise<unknown> {
  return {
    keys: await h.db.apiKey.findMany({ orderBy: { id: "asc" } }),
    audit: await h.db.auditEvent.count(),
    changes: await h.db.keyChange.count(),
  };
}

async function send(credential: string, op: Operation) {
  const request = await op.prepare();
  const before = await snapshot();
  const res = await h.app.inject({
    method: request.method,
    url: request.url,
    headers: { ...bearer(credential), "content-type": "application/json" },
    payload: JSON.stringify(request.payload ?? {}),
  });
  return { res, before };
}

const cases = OPERATIONS.flatMap((op) =>
  Object.keys(FORMS).flatMap((form) => (Object.keys(LEVELS) as Level[]).map((level) => ({ op, form, level }))),
);

describe("privilege matrix: key-changing routes × credentials narrower, equal and wider than the key", () => {
  it.each(cases)("$op.name by a $level $form", async ({ op, form, level }) => {
    const credential = await (FORMS[form] as (scopes: string[]) => Promise<string>)([...LEVELS[level]]);
    const { res, before } = await send(credential, op);
    if (level === "narrower") {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().errors[0]).toMatchObject({
        code: "FORBIDDEN",
        details: { required: ["audit:read"], available: NARROWER },
      });
      expect(await snapshot()).toEqual(before);
    } else {
      expect(res.statusCode, res.body).toBe(op.ok);
    }
  });

  it.each(OPERATIONS)("$name by a dashboard owner (role `*`): allowed", async (op) => {
    const { res } = await send(ownerToken, op);
    expect(res.statusCode, res.body).toBe(op.ok);
  });

  it.each(OPERATIONS)("$name by a dashboard viewer: 403, nothing changed", async (op) => {
    const { res, before } = await send(viewerToken, op);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().errors[0]).toMatchObject({ code: "FORBIDDEN", details: { required: ["keys:write"] } });
    expect(await snapshot()).toEqual(before);
  });
});
