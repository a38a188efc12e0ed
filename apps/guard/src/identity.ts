// Who called, as the guard tells its upstream (the README's Guard section):
//   Keyward-Company-Id       the company the credential belongs to;
//   Keyward-Key-Id           the managed key's id;
//   Keyward-Key-Scopes       its scopes, space-separated;
//   Keyward-Key-Environment  live or test.
// Whatever a client sent under these names (any case) is removed on every request, authenticated or not,
// and they are set only from what the guard verified itself, so an upstream behind the guard may trust them.
import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import type { KeyRecord } from "@keyward/auth-core";

export const IDENTITY_HEADERS = {
  companyId: "keyward-company-id",
  keyId: "keyward-key-id",
  scopes: "keyward-key-scopes",
  environment: "keyward-key-environment",
} as const;

/** A request as Node gave it (Fastify's `request.raw`), the same object on HTTP and upgrades. */
type RawRequest = IncomingMessage | Http2ServerRequest;

const IDENTITY_NAMES: ReadonlySet<string> = new Set(Object.values(IDENTITY_HEADERS));

/** What the guard knows of a caller: the company alone for the guard secret and its tokens, all of it for a key. */
export interface CallerIdentity {
  companyId: string;
  key?: Pick<KeyRecord, "id" | "scopes" | "environment">;
}

/** Each authenticated request's caller, for HTTP and upgrades alike; no entry, no identity headers. */
const identities = new WeakMap<RawRequest, CallerIdentity>();

export function rememberCaller(request: RawRequest, identity: CallerIdentity): void {
  identities.set(request, identity);
}

/** Sets the identity headers the upstream gets: the request's verified caller's, never the client's. */
export function forwardIdentity<T extends Record<string, unknown>>(headers: T, request: RawRequest): T {
  const out = headers as Record<string, unknown>;
  for (const name of Object.keys(out)) if (IDENTITY_NAMES.has(name.toLowerCase())) delete out[name];
  const identity = identities.get(request);
  if (identity === undefined) return headers;
  out[IDENTITY_HEADERS.companyId] = identity.companyId;
  if (identity.key) {
    out[IDENTITY_HEADERS.keyId] = identity.key.id;
    out[IDENTITY_HEADERS.scopes] = identity.key.scopes.join(" ");
    out[IDENTITY_HEADERS.environment] = identity.key.environment;
  }
  return headers;
}
