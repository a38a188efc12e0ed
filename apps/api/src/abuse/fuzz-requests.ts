// The fuzzer's requests. Drawing (pure, from a seed) and sending (against the world's current ids
// and secrets) are split: a drawn plan names ids and credentials symbolically (`Ref`), resolution
// turns it into one exact request, which is what a failure prints.
import { createHmac } from "node:crypto";
import { asciiCrc32 } from "@keyward/auth-core";
import fc from "fast-check";
import { fillPath, isUuidSchema, type Operation, type Parameter } from "./operations";
import {
  deepJson,
  type Hints,
  isPlainObject,
  longString,
  malformedValue,
  mutated,
  NASTY_DATES,
  NASTY_NUMBER_TEXTS,
  NASTY_STRINGS,
  plainEmail,
  RawJson,
  toJsonText,
  validValue,
} from "./schema-arbitraries";
import type { Credential } from "./tenants";

/** Ids of the world a plan can name: ours (the caller's company, when it is A) or the other company's. */
export const ID_POOLS = [
  "ownKey",
  "otherKey",
  "ownRule",
  "otherRule",
  "ownAlert",
  "otherAlert",
  "ownEvent",
  "otherEvent",
  "ownUser",
  "otherUser",
  "ownCompany",
  "otherCompany",
  "ownHash",
  "otherHash",
] as const;
export type IdPool = (typeof ID_POOLS)[number];

/** An id of a pool, chosen when the request is sent (pools grow as the fuzzer creates things). */
export class Ref {
  constructor(
    readonly pool: IdPool,
    readonly pick: number,
  ) {}
}

/** A credential's plaintext by name, chosen when sent, possibly altered into a near miss. */
export class SecretRef {
  constructor(
    readonly name: string,
    readonly alteration: Alteration | null = null,
  ) {}
}

/** Near misses of a real key: what a typo, a truncation or a forger produces. */
export type Alteration =
  | { kind: "typo"; at: number }
  | { kind: "reseal"; at: number }
  | { kind: "other-environment" }
  | { kind: "other-prefix"; prefix: string }
  | { kind: "truncate"; at: number }
  | { kind: "append"; text: string }
  | { kind: "case" }
  | { kind: "pad"; text: string };

export interface FuzzWorld {
  pools: Record<IdPool, string[]>;
  credentials: Record<string, Credential>;
  /** KEYWARD_JWT_SECRET of the app: HS256 tokens signed with it are real credentials. */
  jwtSecret: string;
  webhookUrl: string;
  owner: { email: string; password: string };
  /** An IP the allowlisted credential accepts. */
  allowlistedIp: string;
}

type Placement =
  | "bearer"
  | "x-api-key"
  | "cookie"
  | "query"
  | "query-encoded-name"
  | "bearer-lowercase"
  | "bearer-spaces"
  | "both";

type CredentialPlan =
  | { kind: "none" }
  | { kind: "secret"; secret: SecretRef | string; placement: Placement }
  | {
      kind: "jwt";
      header: unknown;
      claims: unknown;
      signature: "hs256" | "wrong-secret" | "none" | "garbage";
      placement: Placement;
    }
  | { kind: "headers"; headers: Record<string, string> };

type IpPlan = { kind: "wide"; n: number } | { kind: "hot" } | { kind: "allowlisted" };

type PathValue = { kind: "ref"; ref: Ref } | { kind: "encoded"; text: string } | { kind: "raw"; text: string };

type QueryPart = { name: string; value: string | Ref | SecretRef; raw: boolean };

type BodyPlan = { kind: "json"; value: unknown } | { kind: "text"; text: string };

export interface RequestPlan {
  op: string;
  method: string | null;
  pathParams: Record<string, PathValue>;
  pathMutation: string | null;
  query: QueryPart[];
  credential: CredentialPlan;
  body: BodyPlan | null;
  contentType: string | null;
  ip: IpPlan;
  extraHeaders: Record<string, string>;
  /** What was malformed on purpose, for the report. */
  notes: string[];
}

export interface ResolvedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  remoteAddress: string;
}

/** Which object a request named, and what a 2xx answer tells about the pools. */
export function learnFrom(
  world: FuzzWorld,
  company: "own" | "other",
  op: Operation,
  pathIds: string[],
  answerBody: string,
  status: number,
): void {
  const resource = resourceOf(op.path);
  if (status < 200 || status >= 300 || resource === null) return;
  if (op.method === "DELETE") {
    // A deleted rule stays deleted: aiming at it again only ever gets 404.
    const pool = world.pools[`${company}${resource}`];
    world.pools[`${company}${resource}`] = pool.filter((id) => !pathIds.includes(id));
    return;
  }
  if (op.method !== "POST") return;
  let body: { id?: unknown; data?: { id?: unknown }[] };
  try {
    body = JSON.parse(answerBody);
  } catch {
    return;
  }
  const ids = [body.id, ...(body.data ?? []).map((d) => d.id)].filter((id): id is string => typeof id === "string");
  world.pools[`${company}${resource}`].push(...ids);
}

const CREDENTIAL_WEIGHTS: Record<string, number> = {
  admin: 8,
  readOnly: 2,
  keysReadWrite: 2,
  alertsWriter: 1,
  usageReader: 1,
  verifier: 1,
  keyToken: 2,
  session: 2,
  owner: 2,
  viewer: 1,
  hs256: 1,
  testEnvironment: 1,
  allowlisted: 1,
  limited: 1,
  expired: 1,
  revoked: 1,
  otherAdmin: 2,
  otherSession: 1,
};

const SCOPES = [
  "*",
  "*:read",
  "*:write",
  "keys:read",
  "keys:write",
  "keys:*",
  "keys:verify",
  "audit:read",
  "usage:read",
  "alerts:read",
  "alerts:write",
  "members:read",
  "vehicles:read",
  "vehicles:*",
];

const scope = fc.constantFrom(...SCOPES);
const ref = (...pools: IdPool[]) =>
  fc
    .tuple(fc.constantFrom(...pools), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
    .map(([p, x]) => new Ref(p, x));
const anyId = fc.oneof(
  { weight: 6, arbitrary: ref(...ID_POOLS.filter((p) => !p.endsWith("Hash"))) },
  { weight: 1, arbitrary: fc.uuid({ version: 7 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
  },
);
const keyIds = fc.oneof({ weight: 4, arbitrary: ref("ownKey", "otherKey") }, { weight: 1, arbitrary: anyId });
// Dates are drawn relative to now: a replay later still means "in the future".
const futureDate = fc
  .integer({ min: 3_600, max: 400 * 86_400 })
  .map((seconds) => new Date(Math.floor(Date.now() / 60_000) * 60_000 + seconds * 1000).toISOString());
const cidr = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc.constantFrom("0.0.0.0/0", "::/0", "192.0.2.1", "::ffff:192.0.2.1"),
);

function secretValue(names: string[]): fc.Arbitrary<SecretRef | string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).map((n) => new SecretRef(n)) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...names), alteration).map(([n, a]) => new SecretRef(n, a)) },
    { weight: 2, arbitrary: garbageCredential },
  );
}

const alteration: fc.Arbitrary<Alteration> = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((at) => ({ kind: "typo" as const, at })),
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((at) => ({ kind: "reseal" as const, at })),
  fc.constant({ kind: "other-environment" as const }),
  fc
    .constantFrom("kw", "sk", "acme", "a", "toolongprefix1")
    .map((prefix) => ({ kind: "other-prefix" as const, prefix })),
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((at) => ({ kind: "truncate" as const, at })),
  fc.constantFrom("0", "=", " ", "\t", "%00", "a".repeat(70)).map((text) => ({ kind: "append" as const, text })),
  fc.constant({ kind: "case" as const }),
  fc.constantFrom(" ", "  ", "\t").map((text) => ({ kind: "pad" as const, text })),
);

/** Credentials that are not one: garbage, lookalikes, absurd sizes. Only characters an HTTP header can carry. */
const headerSafe = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});
const garbageCredential: fc.Arbitrary<string> = fc.oneof(
  headerSafe,
  fc.constantFrom("kw_live_", "kw_test_", "kw_live_x", "Bearer", "null", "undefined", "a.b.c", "..", "=", "kw_live_🔑"),
  fc.stringMatching(/^[a-z0-9]{2,10}_(live|test)_[0-9A-Za-z]{43}[0-9A-Za-z]{6}$/),
  longString(9_000, 30_000).map((s) => `kw_live_${s.replace(/[^\x20-\xff]/g, "a")}`),
);

const jsonish = fc.jsonValue({ maxDepth: 2 });
const jwtClaims = fc.record(
  {
    sub: fc.oneof(ref("ownUser", "ownKey", "otherUser", "otherKey"), fc.string(), jsonish),
    company: fc.oneof(ref("ownCompany", "otherCompany"), fc.uuid(), fc.string(), jsonish),
    kind: fc.oneof(fc.constantFrom("user", "key", "session", "admin"), jsonish),
    role: fc.oneof(fc.constantFrom("owner", "admin", "viewer", "root"), jsonish),
    scope: fc.oneof(
      fc.array(scope, { maxLength: 3 }).map((s) => s.join(" ")),
      jsonish,
    ),
    env: fc.constantFrom("live", "test", "prod"),
    exp: fc.oneof(
      fc.integer({ min: -1000, max: 7200 }).map((d) => ({ relative: d })),
      fc.constantFrom(0, -1, 1e300, 8.64e15, "soon", null),
    ),
    iat: fc.integer({ min: -100_000, max: 100_000 }).map((d) => ({ relative: d })),
    iss: fc.constantFrom("keyward", "evil", ""),
    aud: fc.constantFrom("keyward-api", "other", ["keyward-api", "x"]),
  },
  { requiredKeys: [] },
);
const jwtHeader = fc.oneof(
  fc.constant({ alg: "HS256", typ: "JWT" }),
  fc.constant({ alg: "none" }),
  fc.constant({ alg: "ES256", kid: "does-not-exist" }),
  fc.constant({ alg: "HS256", crit: ["b64"], b64: false }),
  fc.record({ alg: fc.oneof(fc.string(), jsonish), kid: fc.oneof(fc.string(), jsonish) }, { requiredKeys: [] }),
);

const placement = (queryToken: boolean): fc.Arbitrary<Placement> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant("bearer" as const) },
    { weight: 3, arbitrary: fc.constant("x-api-key" as const) },
    { weight: queryToken ? 4 : 1, arbitrary: fc.constant("query" as const) },
    { weight: 1, arbitrary: fc.constant("query-encoded-name" as const) },
    { weight: 1, arbitrary: fc.constant("cookie" as const) },
    { weight: 1, arbitrary: fc.constantFrom("bearer-lowercase" as const, "bearer-spaces" as const, "both" as const) },
  );

function credentialPlan(names: string[], queryToken: boolean): fc.Arbitrary<CredentialPlan> {
  const weighted = names.map((name) => ({
    weight: CREDENTIAL_WEIGHTS[name] ?? 1,
    arbitrary: placement(queryToken).map(
      (p): CredentialPlan => ({ kind: "secret", secret: new SecretRef(name), placement: p }),
    ),
  }));
  return fc.oneof(
    { weight: 34, arbitrary: fc.oneof(...weighted) },
    { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...names), alteration, placement(queryToken))
        .map(([name, a, p]): CredentialPlan => ({ kind: "secret", secret: new SecretRef(name, a), placement: p })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(garbageCredential, placement(queryToken))
        .map(([value, p]): CredentialPlan => ({ kind: "secret", secret: value, placement: p })),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({
          header: jwtHeader,
          claims: jwtClaims,
          signature: fc.constantFrom(
            "hs256" as const,
            "hs256" as const,
            "wrong-secret" as const,
            "none" as const,
            "garbage" as const,
          ),
          placement: placement(queryToken),
        })
        .map((j): CredentialPlan => ({ kind: "jwt", ...j })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constant({ authorization: "Basic YWRtaW46YWRtaW4=" }),
          fc.constant({ authorization: "Bearer" }),
          fc.constant({ authorization: "Bearer " }),
          fc.constant({ authorization: "" }),
          fc.constant({ "x-api-key": "" }),
          fc.constant({ cookie: "kw_session=" }),
          fc.constant({ cookie: "kw_session=%E0%A4%A; kw_session=a.b.c" }),
          headerSafe.map((v) => ({ cookie: `kw_session=${v}` })),
          headerSafe.map((v) => ({ authorization: v })),
          // Over Node's 16 kB header limit, which app.inject does not enforce: what a proxy with a higher limit passes on.
          longString(17_000, 30_000).map((v) => ({ authorization: `Bearer ${v.replace(/[^\x21-\x7e]/g, "a")}` })),
          longString(17_000, 30_000).map((v) => ({ cookie: `a=${v.replace(/[^\x21-\x7e]/g, "b")}` })),
        )
        .map((headers): CredentialPlan => ({ kind: "headers", headers })),
    },
  );
}

/** Field names whose values the schema cannot make meaningful. */
function hintsFor(world: { credentialNames: string[] }): Hints {
  const loginKeys = secretValue(world.credentialNames);
  return {
    "scopes[]": scope,
    "requiredScopes[]": scope,
    "ipAllowlist[]": cidr,
    url: fc.oneof(
      { weight: 6, arbitrary: fc.webPath().map((p) => `${WEBHOOK_PLACEHOLDER}${p}`) },
      // Receivers an attacker would aim at; literal addresses, so no request waits on DNS.
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          "http://127.0.0.1:1/",
          "http://127.1/",
          "http://[::1]:1/",
          "http://[::ffff:127.0.0.1]/",
          "http://169.254.169.254/latest/meta-data/",
          "http://10.0.0.1/",
          "http://2130706433/",
          "http://0x7f000001/",
          "http://user:pass@192.0.2.1/",
          "https://192.0.2.1:8443/hook",
          "file:///etc/passwd",
          "javascript:alert(1)",
          "gopher://127.0.0.1:6379/_INFO",
        ),
      },
    ),
    "to[]": fc.oneof({ weight: 4, arbitrary: plainEmail }, { weight: 1, arbitrary: fc.emailAddress() }),
    // A rule's numbers must suit its kind: mostly present, so whole rules validate.
    threshold: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 1000 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    windowSeconds: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 86_400 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    days: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 365 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    secret: fc.oneof(
      { weight: 4, arbitrary: fc.string({ minLength: 16, maxLength: 64 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    keyId: fc.oneof(keyIds, fc.constant(null)),
    ruleId: ref("ownRule", "otherRule"),
    cursor: anyId,
    before: anyId,
    actor: fc.oneof(ref("ownKey", "ownUser", "otherKey", "otherUser"), fc.string({ minLength: 1, maxLength: 40 })),
    hash: fc.oneof(ref("ownHash", "otherHash"), fc.stringMatching(/^[0-9a-f]{64}$/)),
    key: loginKeys,
    email: fc.oneof({ weight: 3, arbitrary: fc.constant(OWNER_EMAIL) }, { weight: 1, arbitrary: plainEmail }),
    password: fc.oneof(
      { weight: 1, arbitrary: fc.constant(OWNER_PASSWORD) },
      { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
    ),
    expiresAt: fc.oneof(futureDate, fc.constant(null)),
    ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant("192.0.2.1")),
    limit: fc.integer({ min: 1, max: 100 }),
    token: loginKeys,
  };
}

/** Stand-ins resolved when sent, so a plan stays a pure function of its seed. */
const WEBHOOK_PLACEHOLDER = "<webhook>";
const OWNER_EMAIL = "<owner email>";
const OWNER_PASSWORD = "<owner password>";

/** The kind of object a route's path names, by its path: what its `{id}` is and what it creates. */
export function resourceOf(path: string): "Key" | "Rule" | "Alert" | null {
  if (path.endsWith("/test") || path.startsWith("/v1/alerts")) return "Alert";
  if (path.startsWith("/v1/keys") && path !== "/v1/keys/verify") return "Key";
  if (path.startsWith("/v1/alert-rules")) return "Rule";
  return null;
}

const pathValue = (param: Parameter, path: string): fc.Arbitrary<PathValue> => {
  // Mostly ids of the kind the route names (ours or the other company's), so handlers are reached.
  const resource = resourceOf(path.replace(/\/test$/, ""));
  const ids = resource
    ? fc.oneof({ weight: 3, arbitrary: ref(`own${resource}`, `other${resource}`) }, { weight: 1, arbitrary: anyId })
    : anyId;
  return fc.oneof(
    {
      weight: 10,
      arbitrary: (isUuidSchema(param.schema) ? ids : fc.string()).map((v) =>
        v instanceof Ref ? { kind: "ref" as const, ref: v } : { kind: "encoded" as const, text: v },
      ),
    },
    {
      weight: 3,
      arbitrary: fc
        .oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: "binary", maxLength: 30 }), longString(190, 400))
        .map((text) => ({ kind: "encoded" as const, text })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          "..",
          ".",
          "%2e%2e",
          "..%2f..%2f",
          "%2F",
          "a%2Fb",
          "%00",
          "%E0%A4%A",
          "%",
          "%ZZ",
          "a/b",
          "%C0%AE%C0%AE",
          "%u002e",
          "x;y=1",
          "*",
          "%20",
        )
        .map((text) => ({ kind: "raw" as const, text })),
    },
  );
};

const PATH_MUTATIONS = [
  "//",
  "trailing-slash",
  "uppercase",
  "dot-segment",
  "encoded-slash",
  "double-encoded",
  "semicolon",
  "backslash",
] as const;

function queryParts(op: Operation, hints: Hints): fc.Arbitrary<QueryPart[]> {
  const perParam = op.query.map((param) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant([] as QueryPart[]) },
      {
        weight: 3,
        arbitrary: validValue(param.schema, hints, param.name).map((v) => [
          { name: param.name, value: asQueryValue(v), raw: false },
        ]),
      },
      {
        weight: 2,
        arbitrary: fc
          .oneof(
            malformedValue(param.schema).map((v) => asQueryValue(v)),
            fc.constantFrom(...NASTY_DATES),
            fc.constantFrom(...NASTY_NUMBER_TEXTS),
          )
          .map((v) => [{ name: param.name, value: v, raw: false }]),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            validValue(param.schema, hints, param.name),
            fc.constantFrom("%00", "%E0%A4%A", "%", "%ZZ", "%2B", "+", "&", "="),
          )
          .map(([v, tail]) => [{ name: param.name, value: `${percentEncode(asQueryText(v))}${tail}`, raw: true }]),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(validValue(param.schema, hints, param.name), validValue(param.schema, hints, param.name))
          .map(([a, b]) => [
            { name: param.name, value: asQueryValue(a), raw: false },
            { name: param.name, value: asQueryValue(b), raw: false },
          ]),
      },
    ),
  );
  const extras = fc.oneof(
    { weight: 12, arbitrary: fc.constant([] as QueryPart[]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("unknown", "__proto__", "constructor", "a[b]", "token", "limit[]", ""),
          fc.string({ maxLength: 10 }),
        )
        .map(([name, value]) => [{ name, value, raw: false }]),
    },
  );
  return fc.tuple(fc.tuple(...perParam), extras).map(([params, extra]) => [...params.flat(), ...extra]);
}

function asQueryValue(v: unknown): string | Ref | SecretRef {
  return v instanceof Ref || v instanceof SecretRef ? v : asQueryText(v);
}

function asQueryText(v: unknown): string {
  if (v instanceof Ref || v instanceof SecretRef) return "";
  if (v instanceof RawJson) return v.text;
  return typeof v === "string" ? v : (JSON.stringify(v) ?? "");
}

const CONTENT_TYPES = [
  { weight: 14, arbitrary: fc.constant("application/json") },
  { weight: 2, arbitrary: fc.constant("application/json; charset=utf-8") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json; charset=latin1",
      'application/json; charset="utf-16"',
      "APPLICATION/JSON",
      "application/json;;",
      "application/vnd.api+json",
      "text/plain",
      "text/plain; charset=utf-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=----x",
      "application/octet-stream",
      "application/xml",
      "*/*",
      "",
      "application/json\u00ff",
    ),
  },
  { weight: 2, arbitrary: fc.constant(null) },
];

function bodyPlan(op: Operation, hints: Hints): fc.Arbitrary<{ body: BodyPlan | null; note: string | null }> {
  const schema = op.body?.schema ?? { type: "object" };
  const valid = validValue(schema, hints);
  const json = (value: unknown, note: string | null) => ({ body: { kind: "json" as const, value }, note });
  const text = (t: string, note: string) => ({ body: { kind: "text" as const, text: t }, note });
  const malformations = fc.oneof(
    { weight: 8, arbitrary: valid.chain((v) => mutated(v, schema)).map((m) => json(m.value, m.mutation)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => json(v, "random JSON")) },
    { weight: 1, arbitrary: deepJson(1_000, 20_000).map((v) => json(v, "deep nesting")) },
    {
      weight: 1,
      arbitrary: valid.chain((v) =>
        deepJson(500, 5_000).map((deep) => json(isPlainObject(v) ? { ...v, metadata: { deep } } : v, "deep metadata")),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            "",
            "{",
            "[1,",
            "{'a':1}",
            '{"a":1}{"b":2}',
            "\u0000",
            "nul",
            '{"__proto__":{"polluted":true}}',
            '{"constructor":{"prototype":{"polluted":true}}}',
            "a=1&b=2",
            "\ufeff{}",
            '"\\ud800"',
            "1e999999",
          ),
          fc.string({ unit: "binary", maxLength: 60 }),
        )
        .map((t) => text(t, "malformed JSON text")),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          { weight: 4, arbitrary: longString(65 * 1024, 100_000) },
          { weight: 1, arbitrary: longString(1_050_000, 1_100_000) },
        )
        .map((t) => json({ padding: t }, "over the body limit (64 kB, or 1 MB for imports)")),
    },
  );
  if (op.body === null) {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant({ body: null, note: null }) },
      { weight: 1, arbitrary: fc.constant(json({}, null)) },
      { weight: 1, arbitrary: malformations },
    );
  }
  return fc.oneof(
    { weight: 9, arbitrary: valid.map((v) => json(v, null)) },
    { weight: 8, arbitrary: malformations },
    { weight: 1, arbitrary: fc.constant({ body: null, note: "no body" }) },
  );
}

const ipPlan: fc.Arbitrary<IpPlan> = fc.oneof(
  // Unbiased: fast-check favours small numbers, which would pile refusals on a few "wide" addresses.
  { weight: 30, arbitrary: fc.noBias(fc.nat({ max: 4095 })).map((n) => ({ kind: "wide" as const, n })) },
  { weight: 2, arbitrary: fc.constant({ kind: "hot" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "allowlisted" as const }) },
);

const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, string>>(
      { "x-forwarded-for": "127.0.0.1" },
      { "x-forwarded-for": "1.2.3.4, 10.0.0.1" },
      { "x-real-ip": "::1" },
      { origin: "https://evil.example" },
      { "last-event-id": "0" },
      { "last-event-id": "-1" },
      { "last-event-id": "99999999999999999999" },
      { "accept-encoding": "gzip, br" },
      { accept: "text/csv" },
      { "transfer-encoding": "chunked" },
      { "content-length": "5" },
      { "x-http-method-override": "DELETE" },
      { host: "evil.example" },
    ),
  },
  { weight: 1, arbitrary: fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), headerSafe, { maxKeys: 40 }) },
);

/** Every request the fuzzer can send: any operation, each part valid or malformed. */
export function requestPlans(operations: Operation[], credentialNames: string[]): fc.Arbitrary<RequestPlan> {
  const hints = hintsFor({ credentialNames });
  return fc.oneof(
    ...operations.map((op) => ({
      // Each password check costs a deliberately slow hash: fewer logins keep the run short.
      weight: op.path === "/v1/auth/login" ? 1 : 12,
      arbitrary: requestPlanFor(op, hints, credentialNames),
    })),
  );
}

function requestPlanFor(op: Operation, hints: Hints, credentialNames: string[]): fc.Arbitrary<RequestPlan> {
  const pathParams = fc.record(
    Object.fromEntries(op.pathParams.map((p) => [p.name, pathValue(p, op.path)])),
  ) as fc.Arbitrary<Record<string, PathValue>>;
  return fc
    .record({
      method: fc.oneof(
        { weight: 30, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD") },
      ),
      pathParams,
      pathMutation: fc.oneof(
        { weight: 30, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...PATH_MUTATIONS) },
      ),
      query: queryParts(op, hints),
      credential:
        op.scopes === null && !op.path.startsWith("/metrics")
          ? fc.oneof(
              { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
              { weight: 1, arbitrary: credentialPlan(credentialNames, op.queryToken) },
            )
          : credentialPlan(credentialNames, op.queryToken),
      body: bodyPlan(op, hints),
      contentType: fc.oneof(...CONTENT_TYPES),
      ip: ipPlan,
      extraHeaders,
    })
    .map((r) => ({
      op: op.name,
      method: r.method,
      pathParams: r.pathParams,
      pathMutation: r.pathMutation,
      query: r.query,
      credential: r.credential as CredentialPlan,
      body: r.body.body,
      contentType: r.body.body === null ? null : r.contentType,
      ip: r.ip,
      extraHeaders: r.extraHeaders,
      notes: [r.body.note, r.pathMutation && `path ${r.pathMutation}`, r.method && `method ${r.method}`].filter(
        (n): n is string => typeof n === "string",
      ),
    }));
}

// --- Resolution: a plan and the world's current state → one exact request. ---

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A key's 6-character checksum (SPEC §2), so a forged key passes the format check and reaches the store. */
function checksumOf(unchecked: string): string {
  let n = asciiCrc32(unchecked, unchecked.length);
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62.charAt(n % 62) + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function alter(secret: string, a: Alteration): string {
  const at = (x: number) => Math.floor(x * secret.length);
  switch (a.kind) {
    case "typo": {
      const i = at(a.at);
      const c = secret.charAt(i);
      return secret.slice(0, i) + (c === "a" ? "b" : "a") + secret.slice(i + 1);
    }
    case "reseal": {
      // Change one body character and give the result a correct checksum: unknown, but well formed.
      const body = secret.slice(0, -6);
      const i = Math.max(body.lastIndexOf("_") + 1, at(a.at) % Math.max(body.length, 1));
      const c = body.charAt(i);
      const changed = body.slice(0, i) + (c === "A" ? "B" : "A") + body.slice(i + 1);
      return changed + checksumOf(changed);
    }
    case "other-environment": {
      const body = secret.slice(0, -6).replace(/_live_|_test_/, (m) => (m === "_live_" ? "_test_" : "_live_"));
      return body + checksumOf(body);
    }
    case "other-prefix": {
      const body = secret.slice(0, -6).replace(/^[^_]*/, a.prefix);
      return body + checksumOf(body);
    }
    case "truncate":
      return secret.slice(0, at(a.at));
    case "append":
      return secret + a.text;
    case "case":
      return secret.toUpperCase();
    case "pad":
      return `${a.text}${secret}${a.text}`;
  }
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) becomes its three WTF-8
 * bytes: invalid UTF-8 on the wire, which is exactly what the server must survive.
 */
export function percentEncode(text: string): string {
  // Well-formed runs go to encodeURIComponent; each lone surrogate is written out by hand.
  return text.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|[^\ud800-\udfff]+/g, (run) => {
    if (run.length !== 1 || run.charCodeAt(0) < 0xd800 || run.charCodeAt(0) > 0xdfff) return encodeURIComponent(run);
    const code = run.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
      .map((b) => `%${b.toString(16).toUpperCase()}`)
      .join("");
  });
}

const base64url = (text: string) => Buffer.from(text).toString("base64url");

function resolveValue(value: unknown, world: FuzzWorld): unknown {
  if (value instanceof Ref) return pickFrom(world, value);
  if (value instanceof SecretRef) return secretOf(world, value);
  if (value === OWNER_EMAIL) return world.owner.email;
  if (value === OWNER_PASSWORD) return world.owner.password;
  if (typeof value === "string" && value.startsWith(WEBHOOK_PLACEHOLDER)) {
    return world.webhookUrl + value.slice(WEBHOOK_PLACEHOLDER.length);
  }
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, world));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: resolveValue(v, world),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function pickFrom(world: FuzzWorld, r: Ref): string {
  const pool = world.pools[r.pool];
  if (pool.length === 0) return "00000000-0000-7000-8000-000000000000";
  return pool[Math.floor(r.pick * pool.length)] as string;
}

function secretOf(world: FuzzWorld, s: SecretRef): string {
  const secret = world.credentials[s.name]?.secret ?? "";
  return s.alteration ? alter(secret, s.alteration) : secret;
}

/** `header.claims.signature` with an HMAC-SHA256 signature over the first two parts (HS256). */
export function signedJwt(header: unknown, claims: unknown, secret: string): string {
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

function jwtOf(plan: Extract<CredentialPlan, { kind: "jwt" }>, world: FuzzWorld): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = resolveValue(plan.claims, world) as Record<string, unknown>;
  for (const name of ["exp", "iat"]) {
    const v = claims[name] as { relative?: number } | undefined;
    if (v && typeof v === "object" && typeof v.relative === "number") claims[name] = now + v.relative;
  }
  switch (plan.signature) {
    case "hs256":
      return signedJwt(plan.header, claims, world.jwtSecret);
    case "wrong-secret":
      return signedJwt(plan.header, claims, `${world.jwtSecret}x`);
    case "none":
      return `${signedJwt(plan.header, claims, "").split(".").slice(0, 2).join(".")}.`;
    case "garbage":
      return `${signedJwt(plan.header, claims, "").split(".").slice(0, 2).join(".")}.${base64url("not a signature")}`;
  }
}

function placeCredential(value: string, placement: Placement, headers: Record<string, string>, query: string[]): void {
  switch (placement) {
    case "bearer":
      headers.authorization = `Bearer ${value}`;
      return;
    case "bearer-lowercase":
      headers.authorization = `bearer ${value}`;
      return;
    case "bearer-spaces":
      headers.authorization = `Bearer   ${value}  `;
      return;
    case "x-api-key":
      headers["x-api-key"] = value;
      return;
    case "cookie":
      headers.cookie = `kw_session=${percentEncode(value)}`;
      return;
    case "both":
      headers.authorization = `Bearer ${value}`;
      headers["x-api-key"] = "kw_live_other";
      return;
    case "query":
      // Only the event stream reads ?token=; elsewhere the request simply has no credential.
      query.push(`token=${percentEncode(value)}`);
      return;
    case "query-encoded-name":
      // The same parameter to the query parser; not to a log mask that looks for "token=".
      query.push(`%74oken=${percentEncode(value)}`);
      return;
  }
}

function mutatePath(path: string, mutation: string): string {
  switch (mutation) {
    case "//":
      return `/${path}`.replace("/v1/", "/v1//");
    case "trailing-slash":
      return `${path}/`;
    case "uppercase":
      return path.toUpperCase();
    case "dot-segment":
      return path.replace(/^\/v1\//, "/v1/./x/../");
    case "encoded-slash":
      return path.replace(/\//g, "%2F");
    case "double-encoded":
      return path.replace(/\//g, "%252F");
    case "semicolon":
      return `${path};jsessionid=1`;
    case "backslash":
      return path.replace(/\//g, "\\");
    default:
      return path;
  }
}

const IPV6_BASE = "2001:db8";

/**
 * The exact request a plan stands for in the world as it is now. `runTag` (4 hex digits) keeps
 * this run's client IPs apart from an earlier run's, whose failures Redis may still count.
 */
export function resolvePlan(
  plan: RequestPlan,
  op: Operation,
  world: FuzzWorld,
  runTag: string,
): { request: ResolvedRequest; pathIds: string[] } {
  const headers: Record<string, string> = {};
  const query: string[] = [];
  const credential = plan.credential;
  switch (credential.kind) {
    case "none":
      break;
    case "headers":
      Object.assign(headers, credential.headers);
      break;
    case "secret": {
      const value = typeof credential.secret === "string" ? credential.secret : secretOf(world, credential.secret);
      placeCredential(value, credential.placement, headers, query);
      break;
    }
    case "jwt":
      placeCredential(jwtOf(credential, world), credential.placement, headers, query);
      break;
  }
  for (const part of plan.query) {
    const value = resolveValue(part.value, world);
    const text = typeof value === "string" ? value : JSON.stringify(value);
    query.unshift(`${percentEncode(part.name)}=${part.raw ? text : percentEncode(text)}`);
  }
  const pathValues: Record<string, string> = {};
  for (const [name, value] of Object.entries(plan.pathParams)) {
    pathValues[name] =
      value.kind === "ref" ? pickFrom(world, value.ref) : value.kind === "raw" ? value.text : percentEncode(value.text);
  }
  let path = fillPath(op.path, pathValues);
  if (plan.pathMutation) path = mutatePath(path, plan.pathMutation);
  const url = query.length > 0 ? `${path}?${query.join("&")}` : path;

  let payload: string | undefined;
  if (plan.body?.kind === "json") payload = toJsonText(resolveValue(plan.body.value, world));
  else if (plan.body?.kind === "text") payload = plan.body.text;
  if (plan.contentType !== null && payload !== undefined) headers["content-type"] = plan.contentType;
  Object.assign(headers, plan.extraHeaders);

  const remoteAddress =
    plan.ip.kind === "allowlisted"
      ? world.allowlistedIp
      : plan.ip.kind === "hot"
        ? `${IPV6_BASE}:${runTag}::1`
        : `${IPV6_BASE}:${runTag}:1::${plan.ip.n.toString(16)}`;
  const request = {
    method: plan.method ?? op.method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
    remoteAddress,
  };
  return { request, pathIds: Object.values(pathValues) };
}
