/**
 * Scopes, docs/api.md#scopes: `resource:action` with action `read` or `write`, plus the
 * wildcards `resource:*`, `*:read`, `*:write` and `*`, and the built-in
 * `keys:verify` (may call the verify endpoint).
 *
 * A grant covers a requirement when its resource is `*` or equal, and its action
 * is `*` or equal. Because `*:verify` is not a scope, `keys:verify` is granted
 * only by `*`, `keys:*` and `keys:verify`, and `write` never implies `read`.
 * Wildcard requirements (e.g. "may this key mint a `keys:*` key?") follow the
 * same rule: `keys:*` is covered by `*` and `keys:*` only.
 */

export const BUILT_IN_RESOURCES = ["keys", "audit", "usage", "alerts", "members"] as const;

export const SCOPE_PRESETS = {
  admin: ["*"],
  "read-only": ["*:read"],
} as const;

type Action = "read" | "write" | "verify" | "*";

interface ParsedScope {
  resource: string; // a resource name or "*"
  action: Action;
}

const MAX_SCOPE_LENGTH = 40 + 1 + 6;
const RESOURCE_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
const EVERYTHING: ParsedScope = { resource: "*", action: "*" };

export function isValidScope(scope: string): boolean {
  return parseScope(scope) !== null;
}

export function scopeGrants(available: readonly string[], required: string): boolean {
  const want = parsed(required);
  if (want === null) return false;
  for (const scope of available) {
    const have = parsed(scope);
    if (have !== null && covers(have, want)) return true;
  }
  return false;
}

export function missingScopes(available: readonly string[], required: readonly string[]): string[] {
  const missing: string[] = [];
  for (const scope of required) {
    if (!scopeGrants(available, scope) && !missing.includes(scope)) missing.push(scope);
  }
  return missing;
}

export function normalizeScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)].sort();
}

function covers(have: ParsedScope, want: ParsedScope): boolean {
  return (
    (have.resource === "*" || have.resource === want.resource) && (have.action === "*" || have.action === want.action)
  );
}

// Every request checks its route's scopes against its key's: the few distinct scope strings in use
// are parsed once. Bounded, since request bodies (POST /v1/keys/verify) can name scopes too.
const MAX_PARSED = 10_000;
const parsedScopes = new Map<string, ParsedScope | null>();

function parsed(scope: string): ParsedScope | null {
  let result = parsedScopes.get(scope);
  if (result === undefined) {
    result = parseScope(scope);
    if (typeof scope === "string") {
      if (parsedScopes.size >= MAX_PARSED) parsedScopes.clear();
      parsedScopes.set(scope, result);
    }
  }
  return result;
}

function parseScope(scope: string): ParsedScope | null {
  if (typeof scope !== "string" || scope.length > MAX_SCOPE_LENGTH) return null;
  if (scope === "*") return EVERYTHING;
  const colon = scope.indexOf(":");
  if (colon === -1) return null;
  const resource = scope.slice(0, colon);
  const action = scope.slice(colon + 1);
  if (resource === "*") {
    // `*:*` is spelled `*`, and `*:verify` would widen keys:verify to every resource.
    return action === "read" || action === "write" ? { resource, action } : null;
  }
  if (!RESOURCE_PATTERN.test(resource)) return null;
  if (action === "read" || action === "write" || action === "*") return { resource, action };
  if (action === "verify" && resource === "keys") return { resource, action };
  return null;
}
