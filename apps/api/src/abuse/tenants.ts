// Companies for the abuse suites, each with every kind of credential the API accepts and one object
// of every kind a route can name by id. Everything a tenant owns carries its marker (names) or is
// listed in `ids`, so a response can be searched for another tenant's data.
import { randomUUID } from "node:crypto";
import { SCOPE_PRESETS } from "@keyward/auth-core";
import { addScopeResource, createCompany, createKey, createStarterKeys } from "@keyward/core";
import type { LightMyRequestResponse } from "fastify";
import { addMember, TEST_PASSWORD_HASHING } from "../test/credentials";
import { bearer, type Harness } from "../test/harness";

export interface Credential {
  /** e.g. "B admin key": says whose and what in a failure message. */
  name: string;
  headers: Record<string, string>;
  /** What it may do: a key's scopes, a user's role as scopes. */
  scopes: readonly string[];
  /** The plaintext (key, JWT): never in another tenant's response, never in a log. */
  secret: string;
}

/** The kinds of ids a tenant owns: those the API takes in paths, queries and bodies, and scope resources (dashboard only). */
export type IdKind = "key" | "alertRule" | "alert" | "auditEvent" | "user" | "scopeResource";

export interface Tenant {
  label: string;
  companyId: string;
  /** In the name of everything the tenant created. */
  marker: string;
  credentials: {
    admin: Credential;
    readOnly: Credential;
    /** keys:read and keys:write only: may change keys, but none with wider scopes than its own. */
    keysWriter: Credential;
    verifier: Credential;
    keyToken: Credential;
    session: Credential;
    owner: Credential;
  };
  /** A key nobody authenticates with: the one other tenants try to change. */
  target: { id: string; secret: string };
  /** A key with a rate limit of RATE_LIMITED_KEY_LIMIT requests per hour. */
  limited: { id: string; secret: string };
  ids: Record<IdKind, string[]>;
}

export const RATE_LIMITED_KEY_LIMIT = 3;

/** What a tenant has when its ids are made: its keys and owner, and a way to call the API as it. */
interface MadeSoFar {
  companyId: string;
  marker: string;
  webhookUrl: string;
  admin: { secret: string };
  keyIds: string[];
  targetId: string;
  ownerId: string;
  call: (
    method: "POST" | "GET",
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => Promise<LightMyRequestResponse>;
}

type IdMaker = (t: MadeSoFar, earlier: Partial<Record<IdKind, string[]>>, h: Harness) => Promise<string[]>;

/**
 * How to make an id of each kind the API takes, in order (an alert needs a rule). A new kind of id
 * gets its line here, and the tenant matrix's slots can then name it. The first id of each kind
 * is the one the tenant uses most (its admin key, its rule), the one other tenants aim at.
 */
const ID_MAKERS: Record<IdKind, IdMaker> = {
  // Keys: createKey (packages/db), as setup and the API do; the credentials' keys and a target.
  key: async (t) => t.keyIds,
  // Alert rules: POST /v1/alert-rules, a webhook rule watching the target key.
  alertRule: async (t) => {
    const rule = await t.call("POST", "/v1/alert-rules", bearer(t.admin.secret), {
      name: `${t.marker} rule`,
      kind: "request_spike",
      threshold: 1_000_000,
      windowSeconds: 60,
      keyId: t.targetId,
      channels: [{ type: "webhook", url: `${t.webhookUrl}/${t.marker}`, secret: `${t.marker}-webhook-secret` }],
    });
    return [rule.json().id as string];
  },
  // Scope resources: the company's catalogue (dashboard Settings); named by the marker, in lower case as names must be.
  scopeResource: async (t, _earlier, h) => [
    (
      await addScopeResource(
        h.db,
        t.companyId,
        { name: t.marker, description: `${t.marker} resource` },
        { type: "system" },
      )
    ).id,
  ],
  // Alerts: POST /v1/alert-rules/:id/test fires one through the rule.
  alert: async (t, earlier) => {
    const fired = await t.call("POST", `/v1/alert-rules/${earlier.alertRule?.[0]}/test`, bearer(t.admin.secret), {});
    return [fired.json().id as string];
  },
  // Audit events: every change above appended one; newest first.
  auditEvent: async (t, _earlier, h) =>
    (
      await h.db.auditEvent.findMany({
        where: { companyId: t.companyId },
        orderBy: { seq: "desc" },
        select: { id: true },
      })
    ).map((e) => e.id),
  // Users: the owner (createCompany's, or added to the harness's company), who logged in above.
  user: async (t) => [t.ownerId],
};

/**
 * A company of its own, made as an operator makes one (core's createCompany: the company and its
 * owner), or the harness's first one (label "A", made by setup), filled with credentials and objects.
 * Its alert rule posts to `webhookUrl`: the app must allow that host (KEYWARD_WEBHOOK_ALLOW_HOSTS).
 */
export async function createTenant(h: Harness, label: string, ip: string, webhookUrl: string): Promise<Tenant> {
  // Lower case: it is also the name of the tenant's scope resource.
  const marker = `tenant-${label.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  const owner = { email: `owner-${marker}@example.test`, password: `pw-${randomUUID()}` };
  let companyId: string;
  let ownerId: string;
  if (label === "A") {
    companyId = h.companyId;
    ownerId = (await addMember(h.db, companyId, "owner", owner)).userId;
  } else {
    const created = await createCompany(
      h.db,
      { name: `Company ${marker}`, ownerEmail: owner.email, ownerPassword: owner.password },
      { type: "system" },
      { hashing: TEST_PASSWORD_HASHING },
    );
    companyId = created.companyId;
    ownerId = created.ownerId;
  }
  const key = async (
    name: string,
    scopes: string[],
    extra: { rateLimit?: { limit: number; windowSeconds: number } } = {},
  ) => {
    const { key, secret } = await createKey(
      h.db,
      companyId,
      { name: `${marker} ${name}`, scopes, environment: "live", ...extra },
      { type: "system" },
    );
    return { id: key.id, secret, scopes };
  };
  // The two keys every new company starts with (setup, the CLI, the operator's dashboard), named by the marker.
  const starter = await createStarterKeys(h.db, companyId, { type: "system" }, marker);
  const admin = { id: starter.adminKey.key.id, secret: starter.adminKey.secret, scopes: [...SCOPE_PRESETS.admin] };
  const readOnly = {
    id: starter.readOnlyKey.key.id,
    secret: starter.readOnlyKey.secret,
    scopes: [...SCOPE_PRESETS["read-only"]],
  };
  const keysWriter = await key("keys writer", ["keys:read", "keys:write"]);
  const verifier = await key("verifier", ["keys:verify"]);
  const target = await key("target", ["keys:read"]);
  const limited = await key("rate limited", ["keys:read"], {
    rateLimit: { limit: RATE_LIMITED_KEY_LIMIT, windowSeconds: 3600 },
  });

  const call = async (method: "POST" | "GET", url: string, headers: Record<string, string>, payload?: object) => {
    const res = await h.app.inject({ method, url, headers, remoteAddress: ip, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} for tenant ${label}: ${res.statusCode} ${res.body}`);
    return res;
  };
  const keyToken = (await call("POST", "/v1/auth/token", bearer(admin.secret), {})).json().token as string;
  const login = await call("POST", "/v1/auth/login", {}, { key: admin.secret });
  const session = login.cookies.find((c) => c.name === "kw_session")?.value ?? "";
  const ownerToken = (await call("POST", "/v1/auth/login", {}, owner)).json().token as string;

  const made: MadeSoFar = {
    companyId,
    marker,
    webhookUrl,
    admin,
    keyIds: [admin, readOnly, keysWriter, verifier, target, limited].map((k) => k.id),
    targetId: target.id,
    ownerId,
    call,
  };
  const ids = {} as Record<IdKind, string[]>;
  for (const [kind, make] of Object.entries(ID_MAKERS) as [IdKind, IdMaker][]) ids[kind] = await make(made, ids, h);
  await h.db.usageBucket.create({
    data: {
      companyId,
      keyId: target.id,
      minute: new Date(Math.floor(Date.now() / 60_000) * 60_000),
      outcome: "allowed",
      count: 7,
    },
  });

  const asKey = (name: string, k: { secret: string; scopes: string[] }): Credential => ({
    name: `${label} ${name}`,
    headers: bearer(k.secret),
    scopes: k.scopes,
    secret: k.secret,
  });
  return {
    label,
    companyId,
    marker,
    credentials: {
      admin: asKey("admin key", admin),
      readOnly: asKey("read-only key", readOnly),
      keysWriter: asKey("keys:read+keys:write key", keysWriter),
      verifier: asKey("keys:verify key", verifier),
      keyToken: {
        name: `${label} token of the admin key`,
        headers: bearer(keyToken),
        scopes: admin.scopes,
        secret: keyToken,
      },
      session: {
        name: `${label} kw_session cookie`,
        headers: { cookie: `kw_session=${session}` },
        scopes: admin.scopes,
        secret: session,
      },
      owner: { name: `${label} owner's user token`, headers: bearer(ownerToken), scopes: ["*"], secret: ownerToken },
    },
    target: { id: target.id, secret: target.secret },
    limited: { id: limited.id, secret: limited.secret },
    ids,
  };
}

/** Everything of `tenant` that must never show in another tenant's answer. */
export function footprintOf(tenant: Tenant): string[] {
  return [
    tenant.companyId,
    tenant.marker,
    ...Object.values(tenant.ids).flat(),
    ...Object.values(tenant.credentials).map((c) => c.secret),
    tenant.target.secret,
    tenant.limited.secret,
  ];
}
