// Companies for the abuse suites, each with every kind of credential the API accepts and one object
// of every kind a route can name by id. Everything a tenant owns carries its marker (names) or is
// listed in `ids`, so a response can be searched for another tenant's data.
import { randomUUID } from "node:crypto";
import { SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey } from "@keyward/db";
import { addMember } from "../auth/testing";
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

/** The kinds of ids the API takes, in paths, queries and bodies. */
export type IdKind = "key" | "alertRule" | "alert" | "auditEvent" | "user";

export interface Tenant {
  label: string;
  companyId: string;
  /** In the name of everything the tenant created. */
  marker: string;
  credentials: {
    admin: Credential;
    readOnly: Credential;
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

/**
 * A company of its own, or the harness's first one (label "A"), filled with credentials and objects.
 * Its alert rule posts to `webhookUrl`: the app must allow that host (KEYWARD_WEBHOOK_ALLOW_HOSTS).
 */
export async function createTenant(h: Harness, label: string, ip: string, webhookUrl: string): Promise<Tenant> {
  const marker = `tenant-${label}-${randomUUID().slice(0, 8)}`;
  const companyId =
    label === "A" ? h.companyId : (await h.db.company.create({ data: { name: `Company ${marker}` } })).id;
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
  const admin = await key("admin", [...SCOPE_PRESETS.admin]);
  const readOnly = await key("read-only", [...SCOPE_PRESETS["read-only"]]);
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
  const member = await addMember(h.db, companyId, "owner");
  const ownerToken = (
    await call("POST", "/v1/auth/login", {}, { email: member.email, password: member.password })
  ).json().token as string;

  const rule = await call("POST", "/v1/alert-rules", bearer(admin.secret), {
    name: `${marker} rule`,
    kind: "request_spike",
    threshold: 1_000_000,
    windowSeconds: 60,
    keyId: target.id,
    channels: [{ type: "webhook", url: `${webhookUrl}/${marker}`, secret: `${marker}-webhook-secret` }],
  });
  const ruleId = rule.json().id as string;
  const alert = await call("POST", `/v1/alert-rules/${ruleId}/test`, bearer(admin.secret), {});
  await h.db.usageBucket.create({
    data: {
      companyId,
      keyId: target.id,
      minute: new Date(Math.floor(Date.now() / 60_000) * 60_000),
      outcome: "allowed",
      count: 7,
    },
  });
  const events = await h.db.auditEvent.findMany({ where: { companyId }, select: { id: true } });

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
    ids: {
      key: [admin.id, readOnly.id, verifier.id, target.id, limited.id],
      alertRule: [ruleId],
      alert: [alert.json().id as string],
      auditEvent: events.map((e) => e.id),
      user: [member.userId],
    },
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
