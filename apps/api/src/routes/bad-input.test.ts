// Input PostgreSQL cannot store or compare (a NUL character, an unpaired surrogate, a date outside
// its range, JSON nested thousands deep) is refused by the shared schemas with 400 VALIDATION_FAILED
// (or 413 for a body over the limit), before anything is written: never a 500.
import { generateKey } from "@keyward/auth-core";
import { createOperatorKey, OPERATOR_SCOPES } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../test/harness";

let h: Harness;
let target: { id: string; secret: string };
let ruleId: string;
let operatorKey: string;
beforeAll(async () => {
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
  target = await h.keyWithScopes(["keys:read"]);
  operatorKey = (await createOperatorKey(h.db, { name: "ops", scopes: [...OPERATOR_SCOPES] }, null)).secret;
  const rule = await h.app.inject({
    method: "POST",
    url: "/v1/alert-rules",
    headers: bearer(h.adminKey),
    // A threshold no test reaches: a firing rule would change the rows each test compares.
    payload: {
      name: "spikes",
      kind: "request_spike",
      threshold: 10_000_000,
      windowSeconds: 60,
      channels: [{ type: "webhook", url: "https://hooks.example.com/k", secret: "whsec_0123456789abcdef" }],
    },
  });
  expect(rule.statusCode).toBe(201);
  ruleId = rule.json().id;
});
afterAll(() => h.close());

const NUL = "a\u0000b";
const LONE_SURROGATE = "a\uD800b";
const BEFORE_YEAR_ONE = "0000-01-01T00:00:00Z";
const AFTER_YEAR_9999 = "9999-12-31T23:59:59-23:59"; // 10000-01-01 in UTC

/** JSON text `{"a":{"a":…1}}` and `[[…]]`, `depth` containers deep (too deep for JSON.stringify here). */
const nestedObjectJson = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const nestedArrayJson = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

interface BadRequest {
  method: "GET" | "POST" | "PATCH";
  url: string | (() => string);
  /** An object (sent as JSON), or raw JSON text. */
  payload?: unknown;
  key?: () => string | null;
  status?: number;
}

const key = () => ({ name: "k", scopes: ["keys:read"], environment: "live" });
const importEntry = (extra: Record<string, unknown>) => ({
  keys: [{ ...key(), hash: generateKey({ prefix: "kw", environment: "live" }).hash, ...extra }],
});
const keyUrl =
  (suffix = "") =>
  () =>
    `/v1/keys/${target.id}${suffix}`;
const ruleUrl = () => `/v1/alert-rules/${ruleId}`;
const rule = (extra: Record<string, unknown>) => ({
  name: "r",
  kind: "request_spike",
  threshold: 1,
  windowSeconds: 60,
  channels: [{ type: "webhook", url: "https://hooks.example.com/k", secret: "whsec_0123456789abcdef" }],
  ...extra,
});
const company = (extra: Record<string, unknown>) => ({
  name: "Globex",
  ownerEmail: "owner@globex.test",
  ownerPassword: "globex owner password",
  ...extra,
});
const companyUrl = () => `/v1/companies/${h.companyId}`;
const asOperator = () => operatorKey;

/** A create (or, with `hash`, import) body whose metadata is `metadataJson`, as JSON text. */
const withMetadata = (metadataJson: string, hash?: string) => {
  const body = `{"name":"k","scopes":["keys:read"],"environment":"live",${hash ? `"hash":"${hash}",` : ""}"metadata":${metadataJson}}`;
  return hash ? `{"keys":[${body}]}` : body;
};

const CASES: Record<string, BadRequest> = {
  // NUL in strings (PostgreSQL text and jsonb cannot hold U+0000).
  "NUL in list keys q": { method: "GET", url: `/v1/keys?q=${encodeURIComponent(NUL)}` },
  "NUL in audit actor": { method: "GET", url: `/v1/audit-events?actor=${encodeURIComponent(NUL)}` },
  "NUL in audit action": { method: "GET", url: `/v1/audit-events?action=${encodeURIComponent(NUL)}` },
  "NUL in audit export action": {
    method: "GET",
    url: `/v1/audit-events/export.csv?action=${encodeURIComponent(NUL)}`,
  },
  "NUL in key name (create)": { method: "POST", url: "/v1/keys", payload: { ...key(), name: NUL } },
  "NUL in key name (PATCH)": { method: "PATCH", url: keyUrl(), payload: { name: NUL } },
  "NUL in a metadata value": { method: "POST", url: "/v1/keys", payload: { ...key(), metadata: { note: NUL } } },
  "NUL in a metadata key": { method: "POST", url: "/v1/keys", payload: { ...key(), metadata: { [NUL]: 1 } } },
  "NUL in nested metadata (PATCH)": {
    method: "PATCH",
    url: keyUrl(),
    payload: { metadata: { a: [{ b: NUL }] } },
  },
  "NUL in an imported key's name": { method: "POST", url: "/v1/keys/import", payload: importEntry({ name: NUL }) },
  "NUL in an imported key's metadata": {
    method: "POST",
    url: "/v1/keys/import",
    payload: importEntry({ metadata: { x: NUL } }),
  },
  "NUL in revoke reason": { method: "POST", url: keyUrl("/revoke"), payload: { reason: NUL } },
  "NUL in login email": {
    method: "POST",
    url: "/v1/auth/login",
    payload: { email: `owner${NUL}@acme.test`, password: "x" },
    key: () => null,
  },
  "NUL in login company": {
    method: "POST",
    url: "/v1/auth/login",
    payload: { email: "owner@acme.test", password: "correct horse battery", company: `Acme${NUL}` },
    key: () => null,
  },
  "NUL in company name (create)": {
    method: "POST",
    url: "/v1/companies",
    payload: company({ name: NUL }),
    key: asOperator,
  },
  "NUL in company owner email": {
    method: "POST",
    url: "/v1/companies",
    payload: company({ ownerEmail: `owner${NUL}@globex.test` }),
    key: asOperator,
  },
  "NUL in company name (PATCH)": { method: "PATCH", url: companyUrl, payload: { name: NUL }, key: asOperator },
  "NUL in alert rule name (create)": { method: "POST", url: "/v1/alert-rules", payload: rule({ name: NUL }) },
  "NUL in alert rule name (PATCH)": { method: "PATCH", url: ruleUrl, payload: { name: NUL } },
  "NUL in a webhook URL": {
    method: "POST",
    url: "/v1/alert-rules",
    payload: rule({
      channels: [{ type: "webhook", url: `https://hooks.example.com/${NUL}`, secret: "whsec_0123456789abcdef" }],
    }),
  },
  "NUL in a webhook secret": {
    method: "POST",
    url: "/v1/alert-rules",
    payload: rule({
      channels: [{ type: "webhook", url: "https://hooks.example.com/k", secret: `whsec_0123456789${NUL}` }],
    }),
  },
  // Unpaired surrogates: jsonb refuses the escape JSON.stringify writes for them.
  "an unpaired surrogate in metadata": {
    method: "POST",
    url: "/v1/keys",
    payload: { ...key(), metadata: { note: LONE_SURROGATE } },
  },
  "an unpaired surrogate in a company name": {
    method: "POST",
    url: "/v1/companies",
    payload: company({ name: LONE_SURROGATE }),
    key: asOperator,
  },
  "an unpaired surrogate in a key name": {
    method: "POST",
    url: "/v1/keys",
    payload: { ...key(), name: LONE_SURROGATE },
  },
  // Dates PostgreSQL cannot take.
  "audit from before year 1": { method: "GET", url: `/v1/audit-events?from=${BEFORE_YEAR_ONE}` },
  "audit export to after year 9999": {
    method: "GET",
    url: `/v1/audit-events/export.csv?to=${encodeURIComponent(AFTER_YEAR_9999)}`,
  },
  "usage from before year 1": {
    method: "GET",
    url: `/v1/usage?granularity=hour&from=${BEFORE_YEAR_ONE}&to=0000-01-01T05:00:00Z`,
  },
  "key expiresAt after year 9999 (create)": {
    method: "POST",
    url: "/v1/keys",
    payload: { ...key(), expiresAt: AFTER_YEAR_9999 },
  },
  "key expiresAt after year 9999 (PATCH)": {
    method: "PATCH",
    url: keyUrl(),
    payload: { expiresAt: AFTER_YEAR_9999 },
  },
  // JSON nested thousands deep.
  "metadata nested 5,000 objects deep": {
    method: "POST",
    url: "/v1/keys",
    payload: withMetadata(nestedObjectJson(5000)),
  },
  "metadata nested 4,000 arrays deep (under 8 KB)": {
    method: "POST",
    url: "/v1/keys",
    payload: withMetadata(`{"a":${nestedArrayJson(4000)}}`),
  },
  "metadata nested 30,000 arrays deep": {
    method: "POST",
    url: "/v1/keys",
    payload: withMetadata(`{"a":${nestedArrayJson(30_000)}}`),
  },
  "metadata nested 11 levels deep (PATCH)": {
    method: "PATCH",
    url: keyUrl(),
    payload: `{"metadata":${nestedObjectJson(11)}}`,
  },
  "metadata nested 100,000 arrays deep (over the body limit)": {
    method: "POST",
    url: "/v1/keys",
    payload: withMetadata(`{"a":${nestedArrayJson(100_000)}}`),
    status: 413,
  },
  "an imported key's metadata nested 5,000 deep": {
    method: "POST",
    url: "/v1/keys/import",
    payload: withMetadata(nestedObjectJson(5000), generateKey({ prefix: "kw", environment: "live" }).hash),
  },
};

async function written() {
  return {
    keys: await h.db.apiKey.count(),
    audit: await h.db.auditEvent.count(),
    rules: await h.db.alertRule.findMany({ orderBy: { id: "asc" } }),
    target: await h.db.apiKey.findUniqueOrThrow({ where: { id: target.id } }),
    companies: await h.db.company.findMany({ orderBy: { id: "asc" } }),
    users: await h.db.user.count(),
  };
}

describe("bad input: 400 VALIDATION_FAILED, never a 500, nothing written", () => {
  for (const [label, c] of Object.entries(CASES)) {
    it(`${c.status ?? 400} for ${label}`, async () => {
      const before = await written();
      const credential = c.key ? c.key() : h.adminKey;
      const res = await h.app.inject({
        method: c.method,
        url: typeof c.url === "function" ? c.url() : c.url,
        headers: { ...(credential ? bearer(credential) : {}), "content-type": "application/json" },
        ...(c.payload === undefined
          ? {}
          : { payload: typeof c.payload === "string" ? c.payload : JSON.stringify(c.payload) }),
      });
      expect(res.statusCode, res.body).toBe(c.status ?? 400);
      expect(res.json().errors[0].code).toBe(c.status === 413 ? "PAYLOAD_TOO_LARGE" : "VALIDATION_FAILED");
      expect(await written()).toEqual(before);
    });
  }
});

describe("at the bounds: accepted", () => {
  it("201: metadata 10 levels deep with text in every script, expiry on 9999-12-31", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: { ...bearer(h.adminKey), "content-type": "application/json" },
      payload: withMetadata(`{"note":"日本語 😀 ü","tree":${nestedObjectJson(9)}}`).replace(
        '"environment":"live"',
        '"environment":"live","expiresAt":"9999-12-31T23:59:59Z"',
      ),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ expiresAt: "9999-12-31T23:59:59.000Z", metadata: { note: "日本語 😀 ü" } });
  });

  it("200: audit events from 0001-01-01 to 9999-12-31", async () => {
    const res = await h.app.inject({
      method: "GET",
      url: "/v1/audit-events?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z",
      headers: bearer(h.adminKey),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.length).toBeGreaterThan(0);
  });
});
