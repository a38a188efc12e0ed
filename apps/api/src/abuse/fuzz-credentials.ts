// The credentials the fuzzer presents: the world's own (as they are, or as near misses), garbage,
// forged and unsigned JWTs, and headers no client should send; drawn as plans, placed when sent.
import { createHmac } from "node:crypto";
import { asciiCrc32 } from "@keyward/auth-core";
import fc from "fast-check";
import { type Alteration, type FuzzWorld, ref, SecretRef } from "./fuzz-refs";
import { percentEncode } from "./operations";
import { longString } from "./schema-arbitraries";

export type Placement =
  | "bearer"
  | "x-api-key"
  | "cookie"
  | "query"
  | "query-encoded-name"
  | "bearer-lowercase"
  | "bearer-spaces"
  | "both";

export type CredentialPlan =
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
  operator: 2,
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

export const scope = fc.constantFrom(...SCOPES);

/** A value for a field that takes a key (verify, login): a real one, a near miss, or garbage. */
export function secretValue(names: string[]): fc.Arbitrary<SecretRef | string> {
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
export const headerSafe = fc.string({
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

/** The operator key is the only credential the companies routes accept: there it is drawn most. */
const OPERATOR_ROUTE_WEIGHTS: Record<string, number> = { operator: 40 };

/**
 * Who a request claims to be, for an operation (`queryToken`: it also reads `?token=`;
 * `operatorRoute`: only operator keys may call it).
 */
export function credentialPlan(
  names: string[],
  queryToken: boolean,
  operatorRoute = false,
): fc.Arbitrary<CredentialPlan> {
  const weights = operatorRoute ? { ...CREDENTIAL_WEIGHTS, ...OPERATOR_ROUTE_WEIGHTS } : CREDENTIAL_WEIGHTS;
  const weighted = names.map((name) => ({
    weight: weights[name] ?? 1,
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

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A key's 6-character checksum (docs/api.md#keys), so a forged key passes the format check and reaches the store. */
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

const base64url = (text: string) => Buffer.from(text).toString("base64url");

export function secretOf(world: FuzzWorld, s: SecretRef): string {
  const secret = world.credentials[s.name]?.secret ?? "";
  return s.alteration ? alter(secret, s.alteration) : secret;
}

/** `header.claims.signature` with an HMAC-SHA256 signature over the first two parts (HS256). */
export function signedJwt(header: unknown, claims: unknown, secret: string): string {
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

/** The JWT a plan describes, its claims already resolved (`{relative}` times become absolute). */
export function jwtOf(
  plan: Extract<CredentialPlan, { kind: "jwt" }>,
  claims: Record<string, unknown>,
  secret: string,
): string {
  const now = Math.floor(Date.now() / 1000);
  for (const name of ["exp", "iat"]) {
    const v = claims[name] as { relative?: number } | undefined;
    if (v && typeof v === "object" && typeof v.relative === "number") claims[name] = now + v.relative;
  }
  switch (plan.signature) {
    case "hs256":
      return signedJwt(plan.header, claims, secret);
    case "wrong-secret":
      return signedJwt(plan.header, claims, `${secret}x`);
    case "none":
      return `${signedJwt(plan.header, claims, "").split(".").slice(0, 2).join(".")}.`;
    case "garbage":
      return `${signedJwt(plan.header, claims, "").split(".").slice(0, 2).join(".")}.${base64url("not a signature")}`;
  }
}

/** Puts a credential where `placement` says: a header, the cookie, or the query string. */
export function placeCredential(
  value: string,
  placement: Placement,
  headers: Record<string, string>,
  query: string[],
): void {
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
