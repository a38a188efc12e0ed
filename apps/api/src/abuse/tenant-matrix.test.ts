// Issues 11 and 13: the tenant matrix (docs/api.md#company-scoping: another company's data is 404, as
// if it did not exist). Three companies, every credential kind of each, users who belong to two of
// them with a different role in each, the operator's own user token, and an operator key. Every
// route the app serves must be in /openapi.json, every operation there must have an entry below
// (or be an operator route), and every id it takes (a UUID in its path, query or body) must be
// named there, so a new route or a new id field fails here until someone says how it is isolated.
import type { Readable } from "node:stream";
import { generateKey, hashKey, missingScopes } from "@keyward/auth-core";
import { createOperatorKey, OPERATOR_SCOPES, openSession, type Role } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { scopesOfRole } from "../auth/claims";
import { startWebhookReceiver, type WebhookReceiver } from "../test/alert-receivers";
import { addMember, loginUser, testIp } from "../test/credentials";
import { bearer, type Harness, startHarness } from "../test/harness";
import { fetchOperations, fillPath, isUuidSchema, type Operation, servedRoutes } from "./operations";
import {
  type Credential,
  createTenant,
  footprintOf,
  type IdKind,
  RATE_LIMITED_KEY_LIMIT,
  type Tenant,
} from "./tenants";
import { changedParts, writesDigest } from "./writes";

/** Where an id goes, what kind it is, and what another company's id of that kind must get. */
interface IdSlot {
  in: "path" | "query" | "body";
  name: string;
  kind: IdKind;
  /**
   * `unknown`: exactly the answer a never-issued id gets (for a path id: 404 NOT_FOUND).
   * `position`: a list cursor only orders the caller's own rows; the answer holds none of the other company's.
   */
  expect: "unknown" | "position";
}

interface Entry {
  /** For an operation that holds no company data: why it cannot leak one. */
  public?: string;
  ids?: IdSlot[];
  /** A valid body (made when sent: it may name the webhook receiver); id slots of the body are filled in per probe. */
  body?: () => Record<string, unknown>;
  /** For a route that changes what its path id names: the victim's row must stay as it was. */
  changes?: "key" | "alertRule";
  /** Probes of their own, for what an id table cannot say, and what they prove (the test's name). */
  special?: { proves: string; probe: (attacker: Tenant, victim: Tenant) => Promise<void> };
  /** For a route that also takes operator keys (`callers: "any"`): why, and where that is proved. */
  operatorKeys?: string;
  /**
   * The answer lists the calling user's companies (`GET /v1/me`): another company may show there,
   * by id and name, exactly when the user belongs to it too.
   */
  listsMemberships?: true;
}

/**
 * Operations for operator keys only (managing companies, issue 13): they need no entry; every
 * company credential gets 403 FORBIDDEN there, whatever company its path names, and nothing is written.
 */
const OPERATOR_ROUTE = /^\/v1\/companies(\/|$)/;
const isOperatorRoute = (op: Operation) => OPERATOR_ROUTE.test(op.path);

const path = (kind: IdKind): IdSlot => ({ in: "path", name: "id", kind, expect: "unknown" });
const query = (name: string, kind: IdKind, expectation: IdSlot["expect"] = "unknown"): IdSlot => ({
  in: "query",
  name,
  kind,
  expect: expectation,
});

const MATRIX: Record<string, Entry> = {
  "GET /openapi.json": { public: "the API's description, the same for every caller" },
  "GET /metrics": { public: "process metrics for the operator's token; labels are routes, never ids" },
  "GET /v1/health": { public: "database and Redis status only" },
  "GET /.well-known/jwks.json": { public: "the API's public signing keys, the same for every caller" },
  "POST /v1/auth/logout": { public: "clears the caller's cookie, reads nothing" },
  "POST /v1/auth/login": { public: "answers about the credential it is given, nobody else's" },
  "POST /v1/auth/signup": { public: "creates a new company for the email and password it is given; names no other" },
  "GET /v1/me": { listsMemberships: true },
  "GET /v1/auth/check": {},
  "POST /v1/auth/token": { body: () => ({}) },
  "GET /v1/keys": { ids: [query("cursor", "key", "position"), query("before", "key", "position")] },
  "POST /v1/keys": { body: () => ({ name: "tenant probe", scopes: ["keys:read"], environment: "live" }) },
  "GET /v1/keys/{id}": { ids: [path("key")] },
  "PATCH /v1/keys/{id}": {
    ids: [path("key")],
    body: () => ({ name: "hijacked", ipAllowlist: ["192.0.2.66"] }),
    changes: "key",
  },
  "POST /v1/keys/{id}/rotate": { ids: [path("key")], body: () => ({ gracePeriodSeconds: 0 }), changes: "key" },
  "POST /v1/keys/{id}/revoke": { ids: [path("key")], body: () => ({ reason: "hijacked" }), changes: "key" },
  "POST /v1/keys/import": {
    special: {
      proves: "another company's key hash is refused (4xx) without a trace of that company, and nothing is written",
      probe: importAnotherCompanysHash,
    },
  },
  "POST /v1/keys/verify": {
    operatorKeys: "an operator key verifies keys of every company and is told whose (keys/verify.test.ts)",
    special: {
      proves:
        "another company's key answers as a never-issued one and spends none of its rate limit, usage or last use",
      probe: verifyAnotherCompanysKey,
    },
  },
  "GET /v1/keys/changes": {
    operatorKeys: "an operator key hears every company's key changes, each with its company (keys/changes.test.ts)",
    special: {
      proves: "a company's key-change stream never names another company's key",
      probe: streamAnotherCompanysKeyChanges,
    },
  },
  "POST /v1/keys/usage": {
    operatorKeys: "an operator key reports usage of every company's keys (keys/report-usage.test.ts)",
    special: {
      proves: "usage reported for another company's key is skipped, answered like a never-issued id",
      probe: reportAnotherCompanysUsage,
    },
  },
  "GET /v1/usage": { ids: [query("keyId", "key")] },
  "GET /v1/audit-events": {
    ids: [query("keyId", "key"), query("cursor", "auditEvent"), query("actor", "user"), query("actor", "key")],
  },
  "GET /v1/audit-events/export.csv": { ids: [query("keyId", "key"), query("actor", "user"), query("actor", "key")] },
  "GET /v1/events/stream": {
    special: {
      proves: "a company's live stream carries none of another company's events",
      probe: streamAnotherCompanysEvents,
    },
  },
  "GET /v1/alert-rules": { ids: [query("cursor", "alertRule", "position")] },
  "POST /v1/alert-rules": {
    ids: [{ in: "body", name: "keyId", kind: "key", expect: "unknown" }],
    body: () => ({
      name: "tenant probe",
      kind: "new_ip",
      channels: [{ type: "webhook", url: `${receiver.url}/probe`, secret: "tenant-probe-webhook-secret" }],
    }),
  },
  "GET /v1/alert-rules/{id}": { ids: [path("alertRule")] },
  "PATCH /v1/alert-rules/{id}": {
    ids: [path("alertRule"), { in: "body", name: "keyId", kind: "key", expect: "unknown" }],
    body: () => ({ name: "hijacked", enabled: false }),
    changes: "alertRule",
  },
  "DELETE /v1/alert-rules/{id}": { ids: [path("alertRule")], changes: "alertRule" },
  "POST /v1/alert-rules/{id}/test": { ids: [path("alertRule")], changes: "alertRule" },
  "GET /v1/alerts": {
    ids: [query("ruleId", "alertRule"), query("keyId", "key"), query("cursor", "alert", "position")],
  },
  "POST /v1/alerts/seen": {
    special: {
      proves: "marking alerts seen leaves another company's alerts unseen",
      probe: markAnotherCompanysAlertsSeen,
    },
  },
};

/** A credential of a user who also belongs to other companies: their labels. */
type MatrixCredential = Credential & { alsoMemberOf?: string[] };

/** Users who belong to two companies, with a different role in each. */
const SHARED_USERS: { name: string; roles: Record<string, Role> }[] = [
  { name: "user of A and B", roles: { A: "admin", B: "viewer" } },
  { name: "user of B and C", roles: { B: "owner", C: "admin" } },
];

let h: Harness;
let receiver: WebhookReceiver;
let operations: Operation[];
let tenants: Tenant[];
/** Per tenant label: every credential that acts for that company, the shared users' tokens included. */
const credentialsOf = new Map<string, MatrixCredential[]>();
/** An operator key with every operator scope: it belongs to no company. */
let operatorKey: string;
const ip = testIp();

/**
 * A user's token for one of their companies, issued as POST /v1/auth/login issues it. Login answers
 * for the user's first company only until it takes `company` (issue 13); then this is a login with
 * `{ email, password, company: companyId }`.
 */
async function userTokenFor(user: { userId: string }, companyId: string, role: Role): Promise<string> {
  const sessionId = await openSession(h.db, {
    userId: user.userId,
    kind: "api",
    ip: null,
    userAgent: null,
    expiresAt: new Date(Date.now() + 3600_000),
  });
  return (await h.app.keyward.tokens.issueUserToken({ id: user.userId, companyId, role }, sessionId, 3600)).token;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver("tenant-matrix-webhook-secret");
  h = await startHarness({
    KEYWARD_WEBHOOK_ALLOW_HOSTS: new URL(receiver.url).host,
    // So /metrics exists and is in /openapi.json, as in production.
    KEYWARD_METRICS_TOKEN: "tenant-matrix-metrics-token-0123456789",
    // Usage is flushed only when a probe says so: a flush audits refusals, and a refused request
    // must be seen to write nothing (writes.ts).
    USAGE_FLUSH_INTERVAL_MS: "300000",
    // Streams see an event a tenth of a second after it is written, not half a second.
    EVENTS_POLL_INTERVAL_MS: "100",
  });
  operations = await fetchOperations(h.app);
  tenants = [];
  for (const label of ["A", "B", "C"]) tenants.push(await createTenant(h, label, ip, receiver.url));
  for (const t of tenants) credentialsOf.set(t.label, Object.values(t.credentials));

  // Memberships are per company (unique company and user): each shared user joins two.
  const tenantOf = (label: string) => tenants.find((t) => t.label === label) as Tenant;
  for (const shared of SHARED_USERS) {
    const [first, second] = Object.entries(shared.roles) as [[string, Role], [string, Role]];
    const user = await addMember(h.db, tenantOf(first[0]).companyId, first[1]);
    await h.db.membership.create({
      data: { companyId: tenantOf(second[0]).companyId, userId: user.userId, role: second[1] },
    });
    for (const [label, role] of [first, second]) {
      const token = await userTokenFor(user, tenantOf(label).companyId, role);
      const others = Object.keys(shared.roles).filter((l) => l !== label);
      credentialsOf.get(label)?.push({
        name: `${label} token of the ${shared.name} (${role} here, ${others.map((o) => `${shared.roles[o]} in ${o}`).join(", ")})`,
        headers: bearer(token),
        scopes: scopesOfRole(role),
        secret: token,
        alsoMemberOf: others,
      });
    }
  }
  // The operator (setup's user, owner of A) signs in to A: operator authority reaches no further than its token's company.
  const operatorToken = await loginUser(h.app, "owner@acme.test", "correct horse battery", ip);
  credentialsOf.get("A")?.push({
    name: "A operator's user token",
    headers: bearer(operatorToken),
    scopes: scopesOfRole("owner"),
    secret: operatorToken,
  });
  operatorKey = (await createOperatorKey(h.db, { name: "tenant matrix", scopes: [...OPERATOR_SCOPES] }, null)).secret;
}, 300_000);
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

const pairs = () =>
  tenants.flatMap((attacker) => tenants.filter((v) => v !== attacker).map((victim) => [attacker, victim] as const));

const grants = (scopes: readonly string[], op: Operation) =>
  op.scopes !== null && missingScopes(scopes, op.scopes).length === 0;

interface Sent {
  status: number;
  body: string;
  requestText: string;
}

async function send(
  op: Operation,
  credential: Credential,
  pathId: string | null,
  params: URLSearchParams,
  body?: Record<string, unknown>,
): Promise<Sent> {
  const url = `${fillPath(op.path, { id: pathId ?? "" })}${params.size > 0 ? `?${params}` : ""}`;
  const sendsBody = op.method !== "GET";
  const res = await h.app.inject({
    method: op.method,
    url,
    headers: credential.headers,
    remoteAddress: ip,
    ...(sendsBody ? { payload: body ?? {} } : {}),
  });
  return { status: res.statusCode, body: res.body, requestText: `${url} ${JSON.stringify(body ?? {})}` };
}

/**
 * The victim's data the answer holds, apart from what the request itself carried. Where the answer
 * lists the calling user's companies, the victim's line there is the user's own when they belong to it.
 */
function leaked(victim: Tenant, sent: Sent, shown?: { entry: Entry; credential: MatrixCredential }): string[] {
  let body = sent.body;
  if (shown?.entry.listsMemberships && shown.credential.alsoMemberOf?.includes(victim.label) && sent.status === 200) {
    const answer = JSON.parse(body) as { companies?: { id: string }[] };
    answer.companies = answer.companies?.filter((company) => company.id !== victim.companyId);
    body = JSON.stringify(answer);
  }
  return footprintOf(victim).filter((v) => body.includes(v) && !sent.requestText.includes(v));
}

/** A UUID (version 7, as the API's) that no row has: what "does not exist" answers. */
const NEVER_ISSUED = "01900000-0000-7000-8000-000000000000";

/** The errors of an answer in the docs/api.md#errors envelope; none for any other body. */
function errorsOf(body: string): Record<string, unknown>[] {
  try {
    const { errors } = JSON.parse(body) as { errors?: unknown };
    return Array.isArray(errors) ? errors : [];
  } catch {
    return [];
  }
}

/** Exactly one error, NOT_FOUND, and nothing but its code and message. */
function isNotFound(body: string): boolean {
  const errors = errorsOf(body);
  return (
    errors.length === 1 &&
    errors[0]?.code === "NOT_FOUND" &&
    typeof errors[0].message === "string" &&
    Object.keys(errors[0]).sort().join() === "code,message"
  );
}

const isForbidden = (body: string) => errorsOf(body)[0]?.code === "FORBIDDEN";

async function snapshot(kind: "key" | "alertRule", id: string): Promise<unknown> {
  const row =
    kind === "key"
      ? await h.db.apiKey.findUnique({ where: { id }, omit: { lastUsedAt: true, lastUsedIp: true } })
      : await h.db.alertRule.findUnique({ where: { id }, include: { alerts: { select: { id: true } } } });
  return JSON.parse(JSON.stringify(row));
}

/**
 * Every slot of the entry with another company's id, against the same request with a never-issued id;
 * requests that could write (not GETs) must have written nothing, anywhere (compared once per slot
 * and pair of companies, over every credential of the attacker: the database is slow to digest).
 */
async function probeIds(op: Operation, entry: Entry): Promise<string[]> {
  const problems: string[] = [];
  // A never-issued id gets the same answer whoever the victim is: asked once per credential and slot.
  const unknownAnswers = new Map<string, Sent>();
  for (const [attacker, victim] of pairs()) {
    for (const slot of entry.ids ?? []) {
      const writesBefore = op.method === "GET" ? null : await writesDigest(h.db);
      for (const credential of credentialsOf.get(attacker.label) ?? []) {
        // A query or body id of a route with a path id goes with one of the attacker's own ids in the path.
        const ownPathKind = entry.ids?.find((s) => s.in === "path")?.kind;
        const ownPathId = ownPathKind ? (attacker.ids[ownPathKind][0] ?? null) : null;
        const request = (id: string) => {
          const params = new URLSearchParams();
          if (slot.in === "query") params.set(slot.name, id);
          const body = entry.body?.();
          if (slot.in === "body" && body) body[slot.name] = id;
          return send(op, credential, slot.in === "path" ? id : ownPathId, params, body);
        };
        // The first id of a kind is the one the victim uses most: its admin key, its rule.
        const foreignId = victim.ids[slot.kind][0] as string;
        const before = entry.changes ? await snapshot(entry.changes, foreignId) : null;
        const foreign = await request(foreignId);
        const label = `${op.name} ${slot.in} ${slot.name} = ${victim.label}'s ${slot.kind}, as ${credential.name}`;
        for (const value of leaked(victim, foreign)) problems.push(`${label}: answer holds ${victim.label}'s ${value}`);
        if (foreign.status >= 500) problems.push(`${label}: ${foreign.status}`);
        if (entry.changes && JSON.stringify(await snapshot(entry.changes, foreignId)) !== JSON.stringify(before)) {
          problems.push(`${label}: changed ${victim.label}'s ${entry.changes}`);
        }
        if (
          slot.in === "path" &&
          grants(credential.scopes, op) &&
          !(foreign.status === 404 && isNotFound(foreign.body))
        ) {
          problems.push(
            `${label}: ${foreign.status} ${foreign.body.slice(0, 160)}, not 404 with the NOT_FOUND error body`,
          );
        }
        if (slot.expect === "position") continue;
        const cacheKey = `${credential.name} ${slot.in} ${slot.name}`;
        const unknown = unknownAnswers.get(cacheKey) ?? (await request(NEVER_ISSUED));
        unknownAnswers.set(cacheKey, unknown);
        if (foreign.status !== unknown.status || foreign.body !== unknown.body) {
          problems.push(
            `${label}: ${foreign.status} ${foreign.body.slice(0, 160)} differs from a never-issued id's ${unknown.status} ${unknown.body.slice(0, 160)}`,
          );
        }
      }
      if (writesBefore) {
        const wrote = changedParts(writesBefore, await writesDigest(h.db));
        const label = `${op.name} ${slot.in} ${slot.name} = ${victim.label}'s ${slot.kind}, as ${attacker.label}'s credentials`;
        if (wrote.length > 0) problems.push(`${label}: wrote to ${wrote.join(", ")}`);
      }
    }
  }
  return problems;
}

/** The route with no id, as each credential: nothing of another company in the answer, nothing created there. */
async function probeCompanyData(op: Operation, entry: Entry): Promise<string[]> {
  const problems: string[] = [];
  for (const [attacker, victim] of pairs()) {
    for (const credential of credentialsOf.get(attacker.label) ?? []) {
      const sent = await send(op, credential, null, new URLSearchParams(), entry.body?.());
      for (const value of leaked(victim, sent, { entry, credential })) {
        problems.push(`${op.name} as ${credential.name}: answer holds ${victim.label}'s ${value}`);
      }
      if (sent.status >= 500) problems.push(`${op.name} as ${credential.name}: ${sent.status}`);
      if (op.method === "POST" && sent.status === 201) {
        const id = (JSON.parse(sent.body) as { id?: string }).id;
        const where = { id: id ?? NEVER_ISSUED };
        const row =
          (await h.db.apiKey.findUnique({ where, select: { companyId: true } })) ??
          (await h.db.alertRule.findUnique({ where, select: { companyId: true } }));
        if (row && row.companyId !== attacker.companyId)
          problems.push(`${op.name} as ${credential.name}: created in ${victim.label}`);
      }
    }
  }
  return problems;
}

const asOperatorKey = (): Credential => ({
  name: "operator key",
  headers: bearer(operatorKey),
  scopes: [...OPERATOR_SCOPES],
  secret: operatorKey,
});

/** An operator key on a company's route: 403 FORBIDDEN whichever company the path names, and nothing written. */
async function probeOperatorKey(op: Operation, entry: Entry): Promise<string[]> {
  const problems: string[] = [];
  const pathKind = entry.ids?.find((s) => s.in === "path")?.kind;
  for (const tenant of pathKind ? tenants : tenants.slice(0, 1)) {
    const before = op.method === "GET" ? null : await writesDigest(h.db);
    const pathId = pathKind ? (tenant.ids[pathKind][0] as string) : null;
    const sent = await send(op, asOperatorKey(), pathId, new URLSearchParams(), entry.body?.());
    const label = `${op.name}${pathKind ? ` for ${tenant.label}'s ${pathKind}` : ""} as an operator key`;
    if (sent.status !== 403 || !isForbidden(sent.body))
      problems.push(`${label}: ${sent.status} ${sent.body.slice(0, 160)}`);
    for (const t of tenants) {
      for (const value of leaked(t, sent)) problems.push(`${label}: answer holds ${t.label}'s ${value}`);
    }
    if (before) {
      const wrote = changedParts(before, await writesDigest(h.db));
      if (wrote.length > 0) problems.push(`${label}: wrote to ${wrote.join(", ")}`);
    }
  }
  return problems;
}

async function importAnotherCompanysHash(attacker: Tenant, victim: Tenant): Promise<void> {
  const keysBefore = await h.db.apiKey.count({ where: { companyId: attacker.companyId } });
  const before = await snapshot("key", victim.target.id);
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/keys/import",
    headers: attacker.credentials.admin.headers,
    remoteAddress: ip,
    payload: {
      keys: [{ name: "stolen", scopes: ["keys:read"], environment: "live", hash: hashKey(victim.target.secret) }],
    },
  });
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, res.body).toBeLessThan(500);
  expect(
    leaked(victim, { status: res.statusCode, body: res.body, requestText: hashKey(victim.target.secret) }),
  ).toEqual([]);
  expect(await h.db.apiKey.count({ where: { companyId: attacker.companyId } })).toBe(keysBefore);
  expect(await snapshot("key", victim.target.id)).toEqual(before);
}

/**
 * A company verifying another company's plaintext key learns nothing (the answer of a key that
 * does not exist, `{valid: false, code: "NOT_FOUND"}`), whichever of its credentials may verify,
 * and spends nothing of it: not its rate limit, not its usage, not its last use.
 */
async function verifyAnotherCompanysKey(attacker: Tenant, victim: Tenant): Promise<void> {
  const verify = (key: string, credential: Credential = attacker.credentials.verifier) =>
    h.app.inject({
      method: "POST",
      url: "/v1/keys/verify",
      headers: credential.headers,
      remoteAddress: ip,
      payload: { key, requiredScopes: ["keys:read"] },
    });
  const notFound = { status: 200, body: { valid: false, code: "NOT_FOUND" } };
  const unknown = await verify(generateKey({ prefix: "kw", environment: "live" }).key);
  expect({ status: unknown.statusCode, body: unknown.json() }).toEqual(notFound);
  const verifiers = (credentialsOf.get(attacker.label) ?? []).filter(
    (c) => missingScopes(c.scopes, ["keys:verify"]).length === 0,
  );
  expect(verifiers.length).toBeGreaterThan(3);
  for (const credential of verifiers) {
    const res = await verify(victim.credentials.admin.secret, credential);
    expect({ status: res.statusCode, body: res.json() }, credential.name).toEqual(notFound);
  }
  const usageBefore = await h.db.usageBucket.findMany({
    where: { keyId: victim.limited.id },
    orderBy: { minute: "asc" },
  });
  const keyBefore = await h.db.apiKey.findUnique({ where: { id: victim.limited.id } });
  for (let i = 0; i <= RATE_LIMITED_KEY_LIMIT; i++) {
    const res = await verify(victim.limited.secret);
    expect({ status: res.statusCode, body: res.json() }).toEqual(notFound);
  }
  await h.app.keyward.usage.flush();
  expect(await h.db.usageBucket.findMany({ where: { keyId: victim.limited.id }, orderBy: { minute: "asc" } })).toEqual(
    usageBefore,
  );
  expect((await h.db.apiKey.findUnique({ where: { id: victim.limited.id } }))?.lastUsedAt).toEqual(
    keyBefore?.lastUsedAt,
  );
  // The victim's own rate limit is untouched: its key still gets through (one of its few requests).
  const own = await h.app.inject({
    method: "GET",
    url: `/v1/keys/${victim.limited.id}`,
    headers: bearer(victim.limited.secret),
    remoteAddress: ip,
  });
  expect(own.statusCode, own.body).toBe(200);
}

async function markAnotherCompanysAlertsSeen(attacker: Tenant, victim: Tenant): Promise<void> {
  await h.db.alert.updateMany({ where: { companyId: victim.companyId }, data: { seenAt: null } });
  for (const credential of credentialsOf.get(attacker.label) ?? []) {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/alerts/seen",
      headers: credential.headers,
      remoteAddress: ip,
      payload: {},
    });
    expect(res.statusCode, `${credential.name}: ${res.body}`).toBeLessThan(500);
  }
  expect(await h.db.alert.count({ where: { companyId: victim.companyId, seenAt: { not: null } } })).toBe(0);
}

/**
 * A company's live streams carry none of another company's events, even ones made while they are
 * open: neither its audit events nor its alerts, whether the stream was opened with a key in the
 * header or with `?token=` (an EventSource's way) of a key's JWT or a user's token.
 */
async function reportAnotherCompanysUsage(attacker: Tenant, victim: Tenant): Promise<void> {
  const report = (keyId: string) =>
    h.app.inject({
      method: "POST",
      url: "/v1/keys/usage",
      headers: attacker.credentials.admin.headers,
      remoteAddress: ip,
      payload: { usage: [{ keyId, code: "VALID", count: 1000 }] },
    });
  const never = await report("00000000-0000-4000-8000-000000000000");
  const recorded = h.app.keyward.usage.recorded;
  const foreign = await report(victim.ids.key[0] as string);
  expect([foreign.statusCode, foreign.body]).toEqual([never.statusCode, never.body]);
  // Only the attacker's own request was counted, nothing of the victim's key.
  expect(h.app.keyward.usage.recorded).toBe(recorded + 1);
}

async function streamAnotherCompanysKeyChanges(attacker: Tenant, victim: Tenant): Promise<void> {
  const { admin, keyToken } = attacker.credentials;
  const ways = [
    { name: "the admin key", headers: admin.headers },
    { name: "the admin key's JWT", headers: { authorization: `Bearer ${keyToken.secret}` } },
  ];
  const streams = await openStreams(ways.map((way) => ({ ...way, url: "/v1/keys/changes" })));
  try {
    for (const { way, res, seen } of streams) {
      expect(res.statusCode, way.name).toBe(200);
      await vi.waitFor(() => expect(seen.text).toContain("event: ready"), { timeout: 10_000 });
    }
    const createAndRename = async (tenant: Tenant, name: string) => {
      const headers = tenant.credentials.admin.headers;
      const payload = { name, scopes: ["keys:read"], environment: "live" };
      const created = await h.app.inject({ method: "POST", url: "/v1/keys", headers, remoteAddress: ip, payload });
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      const url = `/v1/keys/${id}`;
      const renamed = await h.app.inject({ method: "PATCH", url, headers, remoteAddress: ip, payload: { name: "x" } });
      expect(renamed.statusCode).toBe(200);
      return id;
    };
    const victimKey = await createAndRename(victim, `${victim.marker} changed while ${attacker.label} watches`);
    // The attacker's own change is logged after the victim's: once it is here, the victim's would be too.
    const sentinel = await createAndRename(attacker, `${attacker.marker} sentinel`);
    await h.app.keyward.keyChanges.poll();
    for (const { way, seen } of streams) {
      await vi.waitFor(() => expect(seen.text).toContain(sentinel), { timeout: 10_000, interval: 20 });
      expect(seen.text, way.name).not.toContain(victimKey);
      expect(seen.text, way.name).not.toContain(victim.companyId);
    }
  } finally {
    for (const { res } of streams) (res.raw.res as unknown as { destroy(): void }).destroy();
  }
}

/** Opens each way's event stream and collects what it is sent; destroy each `res` when done. */
function openStreams<W extends { name: string; url: string; headers: Record<string, string> }>(ways: W[]) {
  return Promise.all(
    ways.map(async (way) => {
      const res = await h.app.inject({
        method: "GET",
        url: way.url,
        headers: way.headers,
        remoteAddress: ip,
        payloadAsStream: true,
      });
      const seen = { text: "" };
      (res.stream() as Readable).on("data", (chunk: Buffer) => (seen.text += chunk.toString()));
      return { way, res, seen };
    }),
  );
}

async function streamAnotherCompanysEvents(attacker: Tenant, victim: Tenant): Promise<void> {
  const { admin, keyToken, owner } = attacker.credentials;
  const ways = [
    { name: "the admin key in the header", url: "/v1/events/stream", headers: admin.headers },
    { name: "?token= the admin key's JWT", url: `/v1/events/stream?token=${keyToken.secret}`, headers: {} },
    { name: "?token= the owner's user token", url: `/v1/events/stream?token=${owner.secret}`, headers: {} },
  ];
  const streams = await openStreams(ways);
  try {
    for (const { way, res, seen } of streams) {
      expect(res.statusCode, way.name).toBe(200);
      await vi.waitFor(() => expect(seen.text).toContain(": connected"), { timeout: 10_000 });
    }
    const create = async (tenant: Tenant, name: string) => {
      const created = await h.app.inject({
        method: "POST",
        url: "/v1/keys",
        headers: tenant.credentials.admin.headers,
        remoteAddress: ip,
        payload: { name, scopes: ["keys:read"], environment: "live" },
      });
      expect(created.statusCode).toBe(201);
      return created.json().id as string;
    };
    const victimKey = await create(victim, `${victim.marker} made while ${attacker.label} watches`);
    const victimAlert = await h.app.inject({
      method: "POST",
      url: `/v1/alert-rules/${victim.ids.alertRule[0]}/test`,
      headers: victim.credentials.admin.headers,
      remoteAddress: ip,
      payload: {},
    });
    expect(victimAlert.statusCode, victimAlert.body).toBe(202);
    // The attacker's own event comes after the victim's: once it is here, the victim's would be too.
    const sentinel = await create(attacker, `${attacker.marker} sentinel`);
    for (const { way, seen } of streams) {
      await vi.waitFor(() => expect(seen.text).toContain(sentinel), { timeout: 20_000, interval: 50 });
      expect(seen.text, way.name).not.toContain(victimKey);
      expect(seen.text, way.name).not.toContain(victimAlert.json().id);
      expect(
        footprintOf(victim).filter((v) => seen.text.includes(v)),
        way.name,
      ).toEqual([]);
    }
  } finally {
    for (const { res } of streams) (res.raw.res as unknown as { destroy(): void }).destroy();
  }
}

/** The id fields an operation takes: `in:name` of every UUID parameter and top-level body field. */
function idFieldsOf(op: Operation): string[] {
  const fields = [...op.pathParams.map((p) => ({ in: "path", p })), ...op.query.map((p) => ({ in: "query", p }))]
    .filter(({ p }) => isUuidSchema(p.schema))
    .map(({ in: where, p }) => `${where}:${p.name}`);
  for (const [name, schema] of Object.entries(op.body?.schema.properties ?? {})) {
    if (isUuidSchema(schema)) fields.push(`body:${name}`);
  }
  return fields;
}

describe("tenant matrix: three companies, every credential, every route the app serves", () => {
  it("every route the app serves is an operation of /openapi.json, and every operation is served", () => {
    const served = servedRoutes(h.app);
    const described = operations.map((op) => op.name);
    expect(served.length).toBeGreaterThan(20);
    expect(
      served.filter((name) => !described.includes(name)),
      "routes the app serves that /openapi.json does not describe",
    ).toEqual([]);
    expect(
      described.filter((name) => !served.includes(name)),
      "operations of /openapi.json that the app does not serve",
    ).toEqual([]);
  });

  it("every operation has an entry (or is an operator route), every id field it takes is in its entry, and no entry is stale", () => {
    const names = operations.filter((op) => !isOperatorRoute(op)).map((op) => op.name);
    expect(
      names.filter((name) => !(name in MATRIX)),
      "operations without a tenant-matrix entry",
    ).toEqual([]);
    expect(
      Object.keys(MATRIX).filter((name) => !names.includes(name)),
      "entries of no operation (or of an operator route)",
    ).toEqual([]);
    const unnamed = operations
      .filter((op) => !isOperatorRoute(op))
      .flatMap((op) => {
        const named = new Set((MATRIX[op.name]?.ids ?? []).map((s) => `${s.in}:${s.name}`));
        return idFieldsOf(op)
          .filter((field) => !named.has(field) && !MATRIX[op.name]?.special && !MATRIX[op.name]?.public)
          .map((field) => `${op.name} ${field}`);
      });
    expect(unnamed, "id fields the matrix does not probe").toEqual([]);
  });

  const entries = Object.entries(MATRIX)
    .filter(([, entry]) => !entry.public)
    .map(([name, entry]): [string, string, Entry] => [
      name,
      `${entry.special?.proves ?? "another company's ids and credentials get 404 NOT_FOUND or none of its rows"}${entry.operatorKeys ? "" : "; an operator key gets 403"}`,
      entry,
    ]);
  it.each(entries)(
    "%s: %s",
    async (name, _proves, entry) => {
      const op = operations.find((o) => o.name === name);
      if (!op) throw new Error(`${name} is not in /openapi.json`);
      const problems: string[] = [];
      if (entry.special) {
        for (const [attacker, victim] of pairs()) await entry.special.probe(attacker, victim);
      } else {
        problems.push(...(await probeIds(op, entry)));
        if (op.pathParams.length === 0) problems.push(...(await probeCompanyData(op, entry)));
      }
      if (!entry.operatorKeys) problems.push(...(await probeOperatorKey(op, entry)));
      expect(problems).toEqual([]);
    },
    300_000,
  );

  // Routes for operator keys (GET/POST/PATCH /v1/companies…) are found in /openapi.json by their path:
  // none yet means no rows here, and each new one is probed without an entry.
  it("operator routes: every company credential gets 403 FORBIDDEN, whichever company the path names, and nothing is written", async () => {
    const problems: string[] = [];
    for (const op of operations.filter(isOperatorRoute)) {
      const before = op.method === "GET" ? null : await writesDigest(h.db);
      for (const attacker of tenants) {
        for (const credential of credentialsOf.get(attacker.label) ?? []) {
          for (const named of op.pathParams.length > 0 ? tenants : tenants.slice(0, 1)) {
            const url = fillPath(op.path, Object.fromEntries(op.pathParams.map((p) => [p.name, named.companyId])));
            const res = await h.app.inject({
              method: op.method,
              url,
              headers: credential.headers,
              remoteAddress: ip,
              ...(op.method === "GET" ? {} : { payload: {} }),
            });
            if (res.statusCode !== 403 || !isForbidden(res.body))
              problems.push(`${op.method} ${url} as ${credential.name}: ${res.statusCode} ${res.body.slice(0, 160)}`);
          }
        }
      }
      if (before) {
        const wrote = changedParts(before, await writesDigest(h.db));
        if (wrote.length > 0) problems.push(`${op.name} as company credentials: wrote to ${wrote.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
