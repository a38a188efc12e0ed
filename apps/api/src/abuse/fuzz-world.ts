// What the fuzzer attacks: company A (whose credentials it mostly holds) and company B (the other
// tenant), credentials of every kind and state, and pools of ids that grow as requests create
// things. Keys the fuzzer authenticates with are never in a pool, so it cannot lock itself out.
import { randomUUID } from "node:crypto";
import { hashKey, SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey, createOperatorKey, OPERATOR_SCOPES } from "@keyward/core";
import { addMember, loginUser } from "../test/credentials";
import { bearer, type Harness } from "../test/harness";
import { signedJwt } from "./fuzz-credentials";
import { type FuzzWorld, ID_POOLS, type IdPool } from "./fuzz-refs";
import { resourceOf } from "./fuzz-requests";
import type { Operation } from "./operations";
import { type Credential, createTenant, type Tenant } from "./tenants";

export const FUZZ_JWT_SECRET = "fuzz-hs256-secret-0123456789abcdef-0123456789";
export const FUZZ_METRICS_TOKEN = "fuzz-metrics-token-0123456789abcdef";
const ALLOWLISTED_IP = "192.0.2.1";

export interface Fuzzed {
  world: FuzzWorld;
  own: Tenant;
  other: Tenant;
  /**
   * Names of the credentials of each company, to credit what a request created to the right pools
   * (the operator key counts as A's: what it creates goes to the spare companies, see learnFrom).
   */
  companyOf: (credentialName: string) => "own" | "other" | null;
}

export async function buildFuzzWorld(h: Harness, webhookUrl: string, setupIp: string): Promise<Fuzzed> {
  const own = await createTenant(h, "A", setupIp, webhookUrl);
  const other = await createTenant(h, "B", setupIp, webhookUrl);
  const key = async (
    name: string,
    scopes: string[],
    opts: { environment?: "live" | "test"; ipAllowlist?: string[] } = {},
  ): Promise<Credential & { id: string }> => {
    const { key, secret } = await createKey(
      h.db,
      own.companyId,
      { name: `${own.marker} ${name}`, scopes, environment: opts.environment ?? "live", ipAllowlist: opts.ipAllowlist },
      { type: "system" },
    );
    return { id: key.id, name, headers: bearer(secret), scopes, secret };
  };
  const expired = await key("expired", ["*"]);
  await h.db.apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
  const revoked = await key("revoked", ["*"]);
  await h.db.apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date(), revokedReason: "fuzz" } });
  const viewer = await addMember(h.db, own.companyId, "viewer");
  const viewerToken = await loginUser(h.app, viewer.email, viewer.password, setupIp);
  // Logins the fuzzer sends may name this owner, with the right password now and then.
  const owner = await addMember(h.db, own.companyId, "owner");
  // The operator's service: it manages companies (spare ones: see spareCompany) and verifies keys.
  const operator = await createOperatorKey(h.db, { name: "fuzz operator", scopes: [...OPERATOR_SCOPES] }, null);
  const spare = await h.db.company.create({ data: { name: `${own.marker} spare` } });

  const secretOnly = (name: string, secret: string, scopes: string[]): Credential => ({
    name,
    headers: bearer(secret),
    scopes,
    secret,
  });
  const credentials: Record<string, Credential> = {
    admin: own.credentials.admin,
    readOnly: own.credentials.readOnly,
    verifier: own.credentials.verifier,
    keyToken: own.credentials.keyToken,
    session: own.credentials.session,
    owner: own.credentials.owner,
    viewer: secretOnly("viewer", viewerToken, [...SCOPE_PRESETS["read-only"]]),
    keysReadWrite: own.credentials.keysWriter,
    alertsWriter: await key("alerts", ["alerts:*"]),
    usageReader: await key("usage", ["usage:read", "audit:read"]),
    testEnvironment: await key("test environment", ["*"], { environment: "test" }),
    allowlisted: await key("allowlisted", ["*"], { ipAllowlist: [ALLOWLISTED_IP] }),
    limited: secretOnly("limited", own.limited.secret, ["keys:read"]),
    expired,
    revoked,
    hs256: secretOnly("hs256", hs256Token(own.companyId), ["*"]),
    metrics: secretOnly("metrics", FUZZ_METRICS_TOKEN, []),
    otherAdmin: other.credentials.admin,
    otherSession: other.credentials.session,
    operator: secretOnly("operator", operator.secret, [...OPERATOR_SCOPES]),
  };

  // More rules than the one each tenant has: requests delete some, later ones still find others.
  for (let i = 0; i < 4; i++) {
    const rule = await h.app.inject({
      method: "POST",
      url: "/v1/alert-rules",
      headers: own.credentials.admin.headers,
      remoteAddress: setupIp,
      payload: {
        name: `${own.marker} rule ${i}`,
        kind: "new_ip",
        channels: [{ type: "webhook", url: `${webhookUrl}/rule-${i}`, secret: `${own.marker}-webhook-secret` }],
      },
    });
    own.ids.alertRule.push(rule.json().id as string);
  }

  const pools = Object.fromEntries(ID_POOLS.map((p) => [p, [] as string[]])) as Record<IdPool, string[]>;
  pools.ownKey.push(own.target.id);
  pools.otherKey.push(other.target.id, other.limited.id);
  pools.ownRule.push(...own.ids.alertRule);
  pools.otherRule.push(...other.ids.alertRule);
  pools.ownAlert.push(...own.ids.alert);
  pools.otherAlert.push(...other.ids.alert);
  pools.ownEvent.push(...own.ids.auditEvent);
  pools.otherEvent.push(...other.ids.auditEvent);
  pools.ownUser.push(...own.ids.user, viewer.userId, owner.userId);
  pools.otherUser.push(...other.ids.user);
  pools.ownCompany.push(own.companyId);
  pools.otherCompany.push(other.companyId);
  pools.spareCompany.push(spare.id);
  pools.ownHash.push(hashKey(own.target.secret), hashKey(own.credentials.admin.secret));
  pools.otherHash.push(hashKey(other.target.secret), hashKey(other.credentials.admin.secret));

  const otherNames = new Set(["otherAdmin", "otherSession"]);
  return {
    world: {
      pools,
      credentials,
      jwtSecret: FUZZ_JWT_SECRET,
      webhookUrl,
      owner: { email: owner.email, password: owner.password },
      allowlistedIp: ALLOWLISTED_IP,
    },
    own,
    other,
    companyOf: (name) => (otherNames.has(name) ? "other" : name in credentials ? "own" : null),
  };
}

/** An HS256 token as an identity provider sharing KEYWARD_JWT_SECRET would issue it: an admin of `companyId`. */
function hs256Token(companyId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: randomUUID(), company: companyId, role: "admin", iat: now, exp: now + 4 * 3600 };
  return signedJwt({ alg: "HS256", typ: "JWT" }, claims, FUZZ_JWT_SECRET);
}

/** What a 2xx answer tells about the pools: ids a request created, or deleted. */
export function learnFrom(
  world: FuzzWorld,
  company: "own" | "other",
  op: Operation,
  pathIds: string[],
  answerBody: string,
  status: number,
): void {
  if (status < 200 || status >= 300) return;
  let body: { id?: unknown; data?: { id?: unknown }[]; company?: { id?: unknown } };
  try {
    body = JSON.parse(answerBody);
  } catch {
    return;
  }
  // A company the operator key created is one more it may suspend, whoever's credential that was.
  if (op.method === "POST" && op.path === "/v1/companies") {
    if (typeof body.company?.id === "string") world.pools.spareCompany.push(body.company.id);
    return;
  }
  const resource = resourceOf(op.path);
  if (resource === null) return;
  if (op.method === "DELETE") {
    // A deleted rule stays deleted: aiming at it again only ever gets 404.
    const pool = world.pools[`${company}${resource}`];
    world.pools[`${company}${resource}`] = pool.filter((id) => !pathIds.includes(id));
    return;
  }
  if (op.method !== "POST") return;
  const ids = [body.id, ...(body.data ?? []).map((d) => d.id)].filter((id): id is string => typeof id === "string");
  world.pools[`${company}${resource}`].push(...ids);
}
