// What the API's own JWTs carry, and how a role or an external token's claims become scopes.
//
//   user token     (POST /v1/auth/login with email and password, 1 h)
//     { iss: "keyward", aud: "keyward-api", kind: "user", sub: <user id>, company, role, sid }
//     sid: the server-side session (core sessions.ts), checked on every use: signing out ends the token
//   key token      (POST /v1/auth/token with an API key, 15 min by default, at most 1 h)
//   session token  (POST /v1/auth/login with an admin key: the kw_session cookie, 8 h)
//     { iss, aud, kind: "key" | "session", sub: <key id>, company, scope: "a b", env }
//
// A key or session token is the key in another form: every use re-checks the key (status, IP
// allowlist, scopes, rate limit), so revoking the key ends its tokens.
import { isValidScope, SCOPE_PRESETS } from "@keyward/auth-core";
import { ROLES, type Role } from "@keyward/core";
import { z } from "zod";

export const KEYWARD_ISSUER = "keyward";
export const KEYWARD_AUDIENCE = "keyward-api";

export const USER_TOKEN_TTL_SECONDS = 3600;
export const SESSION_TTL_SECONDS = 8 * 3600;
export const KEY_TOKEN_DEFAULT_TTL_SECONDS = 15 * 60;
export const KEY_TOKEN_MAX_TTL_SECONDS = 3600;

/** Dashboard roles as scopes (docs/api.md#scopes): a viewer sees everything and changes nothing. */
export function scopesOfRole(role: Role): string[] {
  return role === "viewer" ? [...SCOPE_PRESETS["read-only"]] : [...SCOPE_PRESETS.admin];
}

export const userClaimsSchema = z.object({
  kind: z.literal("user"),
  sub: z.uuid(),
  company: z.uuid(),
  role: z.enum(ROLES),
  sid: z.uuid(),
  exp: z.number(),
});

export const keyClaimsSchema = z.object({
  kind: z.enum(["key", "session"]),
  sub: z.uuid(),
  company: z.uuid(),
  scope: z.string(),
  env: z.enum(["live", "test"]),
  exp: z.number(),
});

/**
 * Scopes of an HS256 or external token: the OAuth `scope` claim (space-separated) or `scp`
 * (string or array); without either, a `role` claim (owner/admin/viewer) maps like a dashboard
 * role; otherwise none (the token can only ask who it is). Unknown scope strings are dropped.
 */
export function scopesFromClaims(payload: Record<string, unknown>): string[] {
  const raw = payload.scope ?? payload.scp;
  const listed = typeof raw === "string" ? raw.split(" ") : Array.isArray(raw) ? raw : null;
  if (listed !== null) return [...new Set(listed.filter((s): s is string => typeof s === "string" && isValidScope(s)))];
  const role = roleFromClaims(payload);
  return role === null ? [] : scopesOfRole(role);
}

export function roleFromClaims(payload: Record<string, unknown>): Role | null {
  return ROLES.find((r) => r === payload.role) ?? null;
}

export function scopeClaim(scopes: readonly string[]): string {
  return scopes.join(" ");
}
