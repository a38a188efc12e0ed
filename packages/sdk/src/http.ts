// What every middleware shares, with no framework in it: where a request's key is, and how a verdict
// is answered. Refusals are the very status, body and headers Keyward's own API answers
// (docs/api.md#errors and #headers), so a client sees one contract whether it calls Keyward or a
// service the SDK protects. Each middleware only adapts reading headers and writing a response.
import type { Keyward } from "./keyward.js";
import type { KeywardIdentity, Verdict } from "./types.js";

export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: { errors: [{ code: string; message: string; details?: Record<string, unknown> }] };
}

/** What a middleware needs of a request: its headers, its client's IP, and what the route requires. */
export interface KeyCheck {
  /** A request header by lower-case name. */
  header: (name: string) => string | undefined;
  /** Scopes the route needs; all must be held. */
  scopes?: readonly string[];
  /** The client's IP as the framework's trusted-proxy logic sees it, checked against the key's allowlist. */
  ip?: string;
  /** Rate-limit points the request consumes (default 1). */
  cost?: number;
}

export type KeyCheckResult =
  | { identity: KeywardIdentity; headers: Record<string, string>; refusal?: never }
  | { identity?: never; refusal: Refusal };

const REALM = 'Bearer realm="keyward"';
/** How long a client is told to wait when Keyward could not be reached. */
const UNAVAILABLE_RETRY_SECONDS = 5;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The key a request carries: `Authorization: Bearer <key>`, else `X-API-Key`, read as Keyward's API
 * reads them. Undefined when no credential was sent; an empty string when one was sent but is not a
 * key (another scheme): it is refused as an invalid credential, with no network.
 */
export function keyFromRequest(header: (name: string) => string | undefined): string | undefined {
  const authorization = header("authorization");
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1] ?? "";
  return header("x-api-key")?.trim();
}

/** The RateLimit-* headers of a key with a limit (also on allowed responses), as Keyward sends them. */
export function headersFor(verdict: Verdict): Record<string, string> {
  const rl = verdict.ratelimit;
  if (rl === undefined || rl.limit === 0) return {};
  return {
    "RateLimit-Limit": String(rl.limit),
    "RateLimit-Remaining": String(rl.remaining),
    "RateLimit-Reset": String(rl.resetSeconds),
  };
}

function refusal(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
  details?: Record<string, unknown>,
): Refusal {
  return {
    status,
    headers,
    body: { errors: [details === undefined ? { code, message } : { code, message, details }] },
  };
}

/**
 * How Keyward answers this verdict: null when the request may go on. `verdict` null: no credential
 * was sent. `ip` is the client's, named in an IP_NOT_ALLOWED message as the API does.
 */
export function refusalFor(
  verdict: Verdict | null,
  requiredScopes: readonly string[] = [],
  ip?: string,
): Refusal | null {
  if (verdict === null)
    return refusal(401, "UNAUTHORIZED", "Invalid or missing API key", { "WWW-Authenticate": REALM });
  const headers = headersFor(verdict);
  switch (verdict.code) {
    case "VALID":
      return null;
    case "NOT_FOUND":
    case "EXPIRED":
    case "REVOKED":
    case "COMPANY_SUSPENDED":
      // One body for every cause: a client learns nothing about a key it does not hold.
      return refusal(401, "UNAUTHORIZED", "Invalid or missing API key", {
        ...headers,
        "WWW-Authenticate": `${REALM}, error="invalid_token"`,
      });
    case "INSUFFICIENT_SCOPE":
      return refusal(
        403,
        "FORBIDDEN",
        "Insufficient permissions",
        { ...headers, "WWW-Authenticate": `${REALM}, error="insufficient_scope", scope="${requiredScopes.join(" ")}"` },
        { required: [...requiredScopes], available: [...(verdict.scopes ?? [])] },
      );
    case "IP_NOT_ALLOWED":
      return refusal(
        403,
        "IP_NOT_ALLOWED",
        ip === undefined ? "IP address not allowed" : `IP address ${ip} is not allowed for this key`,
        headers,
      );
    case "RATE_LIMITED": {
      const retryAfterSeconds = verdict.ratelimit?.resetSeconds ?? 1;
      return refusal(
        429,
        "RATE_LIMITED",
        "Rate limit exceeded",
        { ...headers, "Retry-After": String(retryAfterSeconds) },
        { retryAfterSeconds },
      );
    }
    case "UNAVAILABLE":
      return refusal(503, "SERVICE_UNAVAILABLE", "Key store unavailable, try again shortly", {
        "Retry-After": String(UNAVAILABLE_RETRY_SECONDS),
      });
  }
}

/** Who a valid verdict's key is, as middleware put it on the request. */
export function identityOf(verdict: Verdict): KeywardIdentity {
  return {
    keyId: verdict.keyId as string,
    // An operator key is answered the company both ways; a company's key, `companyId`.
    companyId: (verdict.companyId ?? verdict.company?.id) as string,
    scopes: verdict.scopes ?? [],
    environment: verdict.environment ?? "live",
    metadata: verdict.metadata ?? null,
  };
}

/** The whole check every middleware runs: the request's key, its verdict, and the answer. Never throws. */
export async function checkRequest(keyward: Keyward, check: KeyCheck): Promise<KeyCheckResult> {
  const key = keyFromRequest(check.header);
  if (key === undefined) return { refusal: refusalFor(null) as Refusal };
  const verdict = await keyward.verifyKey({
    key,
    ...(check.scopes === undefined ? {} : { requiredScopes: check.scopes }),
    ...(check.ip === undefined ? {} : { ip: check.ip }),
    ...(check.cost === undefined ? {} : { cost: check.cost }),
  });
  const refused = refusalFor(verdict, check.scopes, check.ip);
  return refused === null ? { identity: identityOf(verdict), headers: headersFor(verdict) } : { refusal: refused };
}
