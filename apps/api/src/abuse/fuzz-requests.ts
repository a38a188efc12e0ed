// The fuzzer's requests. Drawing (from the seed alone, dates relative to now) and sending (against
// the world's ids and secrets of the moment) are split: a plan names ids and credentials
// symbolically (fuzz-refs.ts); resolution turns it into one exact request, which a failure prints.
import fc from "fast-check";
import {
  type CredentialPlan,
  credentialPlan,
  headerSafe,
  jwtOf,
  placeCredential,
  scope,
  secretOf,
  secretValue,
} from "./fuzz-credentials";
import { type FuzzWorld, ID_POOLS, pickFrom, Ref, ref, SecretRef } from "./fuzz-refs";
import { fillPath, isUuidSchema, type Operation, type Parameter, percentEncode } from "./operations";
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

type IpPlan = { kind: "wide"; n: number } | { kind: "hot" } | { kind: "allowlisted" };

type PathValue = { kind: "ref"; ref: Ref } | { kind: "encoded"; text: string } | { kind: "raw"; text: string };

/** A query parameter: its value (maybe a reference) percent-encoded when sent, then `tail` as is. */
type QueryPart = { name: string; value: unknown; tail: string };

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

/**
 * Ids for a company route: spare companies, or ids of none. Never A or B: a suspended A would turn
 * the rest of the run into 401s.
 */
const companyIds = fc.oneof(
  { weight: 3, arbitrary: ref("spareCompany") },
  { weight: 1, arbitrary: fc.uuid({ version: 7 }) },
);

const pathValue = (param: Parameter, path: string): fc.Arbitrary<PathValue> => {
  // Mostly ids of the kind the route names (ours or the other company's), so handlers are reached.
  const resource = resourceOf(path.replace(/\/test$/, ""));
  const ids = path.startsWith("/v1/companies/")
    ? companyIds
    : resource
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
  const part = (name: string, value: unknown, tail = ""): QueryPart => ({ name, value, tail });
  const perParam = op.query.map((param) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant([] as QueryPart[]) },
      { weight: 3, arbitrary: validValue(param.schema, hints, param.name).map((v) => [part(param.name, v)]) },
      {
        weight: 2,
        arbitrary: fc
          .oneof(malformedValue(param.schema), fc.constantFrom(...NASTY_DATES), fc.constantFrom(...NASTY_NUMBER_TEXTS))
          .map((v) => [part(param.name, v)]),
      },
      {
        // A valid value followed by what a query parser may choke on.
        weight: 1,
        arbitrary: fc
          .tuple(
            validValue(param.schema, hints, param.name),
            fc.constantFrom("%00", "%E0%A4%A", "%", "%ZZ", "%2B", "+", "&", "="),
          )
          .map(([v, tail]) => [part(param.name, v, tail)]),
      },
      {
        // The parameter twice.
        weight: 1,
        arbitrary: fc
          .tuple(validValue(param.schema, hints, param.name), validValue(param.schema, hints, param.name))
          .map(([a, b]) => [part(param.name, a), part(param.name, b)]),
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
        .map(([name, value]) => [part(name, value)]),
    },
  );
  return fc.tuple(fc.tuple(...perParam), extras).map(([params, extra]) => [...params.flat(), ...extra]);
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
          : credentialPlan(credentialNames, op.queryToken, op.path.startsWith("/v1/companies")),
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
    case "jwt": {
      const claims = resolveValue(credential.claims, world) as Record<string, unknown>;
      placeCredential(jwtOf(credential, claims, world.jwtSecret), credential.placement, headers, query);
      break;
    }
  }
  for (const part of plan.query) {
    const value = resolveValue(part.value, world);
    const text = value instanceof RawJson ? value.text : typeof value === "string" ? value : JSON.stringify(value);
    query.unshift(`${percentEncode(part.name)}=${percentEncode(text ?? "")}${part.tail}`);
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
