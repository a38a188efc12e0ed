// Issue 11, "keep them closed": the tenant matrix (docs/api.md#scopes: another company's data is 404, as if it
// did not exist). Three companies, every credential kind of each, and a user who belongs to two of
// them; every operation of /openapi.json must have an entry below, and every id it takes (a UUID
// in its path, query or body) must be named there, so a new route or a new id field fails here
// until someone says how it is isolated.
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { generateKey, hashKey, missingScopes } from "@keyward/auth-core";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../test/alert-receivers";
import { addMember, loginUser, testIp } from "../test/credentials";
import { bearer, type Harness, startHarness } from "../test/harness";
import { fetchOperations, fillPath, isUuidSchema, type Operation } from "./operations";
import {
  type Credential,
  createTenant,
  footprintOf,
  type IdKind,
  RATE_LIMITED_KEY_LIMIT,
  type Tenant,
} from "./tenants";

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
  /**
   * The answer lists the user's own companies (`companies`): each must be one the user belongs to;
   * the rest of the answer is searched for other companies' data as any answer is.
   */
  listsMemberships?: true;
  /** Probes of their own, for what an id table cannot say, and what they prove (the test's name). */
  special?: { proves: string; probe: (attacker: Tenant, victim: Tenant) => Promise<void> };
}

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
    special: {
      proves:
        "another company's key answers as a never-issued one and spends none of its rate limit, usage or last use",
      probe: verifyAnotherCompanysKey,
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
  // The operator's routes: no credential of any company reaches them, whatever company it names.
  "GET /v1/companies": operatorOnly("GET", () => "/v1/companies"),
  "POST /v1/companies": operatorOnly(
    "POST",
    () => "/v1/companies",
    (victim) => ({
      name: `${victim.marker} lookalike`,
      ownerEmail: `owner-${victim.marker}@example.test`,
      ownerPassword: "a password long enough",
    }),
  ),
  "GET /v1/companies/{id}": operatorOnly("GET", (victim) => `/v1/companies/${victim.companyId}`),
  "PATCH /v1/companies/{id}": operatorOnly(
    "PATCH",
    (victim) => `/v1/companies/${victim.companyId}`,
    () => ({ name: "hijacked", status: "suspended" }),
  ),
};

/**
 * A route for operator keys: every credential of the attacker, aimed at the victim, gets 403 and
 * learns and changes nothing of it (docs/api.md#operator-keys).
 */
function operatorOnly(
  method: "GET" | "POST" | "PATCH",
  url: (victim: Tenant) => string,
  body?: (victim: Tenant) => Record<string, unknown>,
): Entry {
  return {
    special: {
      proves: "a company's credentials get 403 FORBIDDEN, learn nothing of another company and change nothing",
      probe: async (attacker, victim) => {
        const before = JSON.stringify(await h.db.company.findMany({ orderBy: { id: "asc" } }));
        for (const credential of credentialsOf.get(attacker.label) ?? []) {
          const res = await h.app.inject({
            method,
            url: url(victim),
            headers: credential.headers,
            remoteAddress: ip,
            ...(method === "GET" ? {} : { payload: body?.(victim) ?? {} }),
          });
          expect(res.statusCode, `${credential.name}: ${res.body}`).toBe(403);
          expect(leaked(victim, { status: res.statusCode, body: res.body, requestText: url(victim) })).toEqual([]);
        }
        expect(JSON.stringify(await h.db.company.findMany({ orderBy: { id: "asc" } }))).toBe(before);
      },
    },
  };
}

let h: Harness;
let receiver: WebhookReceiver;
let operations: Operation[];
let tenants: Tenant[];
/** Per tenant label: every credential that acts for that company, the shared user's token included. */
const credentialsOf = new Map<string, Credential[]>();
const ip = testIp();

beforeAll(async () => {
  receiver = await startWebhookReceiver("tenant-matrix-webhook-secret");
  h = await startHarness({
    KEYWARD_WEBHOOK_ALLOW_HOSTS: new URL(receiver.url).host,
    // So /metrics exists and is in /openapi.json, as in production.
    KEYWARD_METRICS_TOKEN: "tenant-matrix-metrics-token-0123456789",
  });
  operations = await fetchOperations(h.app);
  tenants = [];
  for (const label of ["A", "B", "C"]) tenants.push(await createTenant(h, label, ip, receiver.url));
  for (const t of tenants) credentialsOf.set(t.label, Object.values(t.credentials));

  // Memberships are per company (unique company and user), so one user may belong to A and B. Login
  // issues a token for the first membership (A); the token for B is issued as the dashboard does.
  const [a, b] = tenants as [Tenant, Tenant];
  const shared = await addMember(h.db, a.companyId, "admin");
  await h.db.membership.create({ data: { companyId: b.companyId, userId: shared.userId, role: "viewer" } });
  const inA = await loginUser(h.app, shared.email, shared.password, ip);
  const inB = (
    await h.app.keyward.tokens.issueUserToken({ id: shared.userId, companyId: b.companyId, role: "viewer" }, 3600)
  ).token;
  credentialsOf
    .get("A")
    ?.push({ name: "A shared user (admin here, viewer in B)", headers: bearer(inA), scopes: ["*"], secret: inA });
  credentialsOf
    .get("B")
    ?.push({ name: "B shared user (viewer here, admin in A)", headers: bearer(inB), scopes: ["*:read"], secret: inB });
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

/** The victim's data the answer holds, apart from what the request itself carried. */
function leaked(victim: Tenant, sent: Sent): string[] {
  return footprintOf(victim).filter((v) => sent.body.includes(v) && !sent.requestText.includes(v));
}

async function snapshot(kind: "key" | "alertRule", id: string): Promise<unknown> {
  const row =
    kind === "key"
      ? await h.db.apiKey.findUnique({ where: { id }, omit: { lastUsedAt: true, lastUsedIp: true } })
      : await h.db.alertRule.findUnique({ where: { id }, include: { alerts: { select: { id: true } } } });
  return JSON.parse(JSON.stringify(row));
}

/** Every slot of the entry with another company's id, against the same request with a never-issued id. */
async function probeIds(op: Operation, entry: Entry): Promise<string[]> {
  const problems: string[] = [];
  // A never-issued id gets the same answer whoever the victim is: asked once per credential and slot.
  const unknownAnswers = new Map<string, Sent>();
  for (const [attacker, victim] of pairs()) {
    for (const credential of credentialsOf.get(attacker.label) ?? []) {
      for (const slot of entry.ids ?? []) {
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
        if (slot.expect === "position") continue;
        const cacheKey = `${credential.name} ${slot.in} ${slot.name}`;
        const unknown = unknownAnswers.get(cacheKey) ?? (await request(randomUUID()));
        unknownAnswers.set(cacheKey, unknown);
        if (foreign.status !== unknown.status || foreign.body !== unknown.body) {
          problems.push(
            `${label}: ${foreign.status} ${foreign.body.slice(0, 160)} differs from a never-issued id's ${unknown.status} ${unknown.body.slice(0, 160)}`,
          );
        }
        if (slot.in === "path" && grants(credential.scopes, op) && foreign.status !== 404) {
          problems.push(`${label}: ${foreign.status}, not 404 NOT_FOUND`);
        }
      }
    }
  }
  return problems;
}

/** The route with no id, as each credential: nothing of another company in the answer. */
async function probeCompanyData(op: Operation, entry: Entry): Promise<string[]> {
  const problems: string[] = [];
  for (const [attacker, victim] of pairs()) {
    for (const credential of credentialsOf.get(attacker.label) ?? []) {
      let sent = await send(op, credential, null, new URLSearchParams(), entry.body?.());
      if (entry.listsMemberships) {
        const { companies, ...rest } = JSON.parse(sent.body) as { companies?: { id: string }[] };
        const userId = companies ? decodeJwt(credential.secret).sub : undefined;
        if (companies && !userId) problems.push(`${op.name} as ${credential.name}: lists companies of no user`);
        for (const company of userId ? (companies ?? []) : []) {
          const member = await h.db.membership.findFirst({ where: { userId, companyId: company.id } });
          if (!member) problems.push(`${op.name} as ${credential.name}: lists ${company.id}, not one of its companies`);
        }
        sent = { ...sent, body: JSON.stringify(rest) };
      }
      for (const value of leaked(victim, sent)) {
        problems.push(`${op.name} as ${credential.name}: answer holds ${victim.label}'s ${value}`);
      }
      if (sent.status >= 500) problems.push(`${op.name} as ${credential.name}: ${sent.status}`);
      if (op.method === "POST" && sent.status === 201) {
        const id = (JSON.parse(sent.body) as { id?: string }).id;
        const row = id ? await h.db.apiKey.findUnique({ where: { id }, select: { companyId: true } }) : null;
        if (row && row.companyId !== attacker.companyId)
          problems.push(`${op.name} as ${credential.name}: created in ${victim.label}`);
      }
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
 * does not exist) and spends nothing of it: not its rate limit, not its usage, not its last use.
 */
async function verifyAnotherCompanysKey(attacker: Tenant, victim: Tenant): Promise<void> {
  const verify = (key: string) =>
    h.app.inject({
      method: "POST",
      url: "/v1/keys/verify",
      headers: attacker.credentials.verifier.headers,
      remoteAddress: ip,
      payload: { key, requiredScopes: ["keys:read"] },
    });
  const unknown = await verify(generateKey({ prefix: "kw", environment: "live" }).key);
  const usageBefore = await h.db.usageBucket.findMany({
    where: { keyId: victim.limited.id },
    orderBy: { minute: "asc" },
  });
  const keyBefore = await h.db.apiKey.findUnique({ where: { id: victim.limited.id } });
  for (let i = 0; i <= RATE_LIMITED_KEY_LIMIT; i++) {
    const res = await verify(victim.limited.secret);
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: unknown.statusCode, body: unknown.json() });
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

/** A company's live stream carries none of another company's events, even ones made while it is open. */
async function streamAnotherCompanysEvents(attacker: Tenant, victim: Tenant): Promise<void> {
  const res = await h.app.inject({
    method: "GET",
    url: "/v1/events/stream",
    headers: attacker.credentials.admin.headers,
    remoteAddress: ip,
    payloadAsStream: true,
  });
  expect(res.statusCode).toBe(200);
  let text = "";
  const stream = res.stream() as Readable;
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  try {
    await vi.waitFor(() => expect(text).toContain(": connected"), { timeout: 10_000 });
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
    // The attacker's own event comes after the victim's: once it is here, the victim's would be too.
    const sentinel = await create(attacker, `${attacker.marker} sentinel`);
    await vi.waitFor(() => expect(text).toContain(sentinel), { timeout: 20_000, interval: 50 });
    expect(text).not.toContain(victimKey);
    expect(footprintOf(victim).filter((v) => text.includes(v))).toEqual([]);
  } finally {
    (res.raw.res as unknown as { destroy(): void }).destroy();
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

describe("tenant matrix: three companies, every credential, every route of /openapi.json", () => {
  it("every operation has an entry, every id field it takes is in its entry, and no entry is stale", () => {
    const names = operations.map((op) => op.name);
    expect(
      names.filter((name) => !(name in MATRIX)),
      "operations without a tenant-matrix entry",
    ).toEqual([]);
    expect(
      Object.keys(MATRIX).filter((name) => !names.includes(name)),
      "entries of no operation",
    ).toEqual([]);
    const unnamed = operations.flatMap((op) => {
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
      entry.special?.proves ?? "another company's ids and credentials get 404 NOT_FOUND or none of its rows",
      entry,
    ]);
  it.each(entries)(
    "%s: %s",
    async (name, _proves, entry) => {
      const op = operations.find((o) => o.name === name);
      if (!op) throw new Error(`${name} is not in /openapi.json`);
      if (entry.special) {
        for (const [attacker, victim] of pairs()) await entry.special.probe(attacker, victim);
        return;
      }
      const problems = [
        ...(await probeIds(op, entry)),
        ...(op.pathParams.length === 0 ? await probeCompanyData(op, entry) : []),
      ];
      expect(problems).toEqual([]);
    },
    300_000,
  );
});
