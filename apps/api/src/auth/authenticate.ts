// The enforcement path of docs/architecture.md as the API runs it, top to bottom: read the credential (header,
// X-API-Key, `?token=` on routes that allow it, the kw_session cookie: a change it authenticates
// must pass the CSRF check of csrf.ts first), then
//   an API key: auth-core's KeyVerifier checks it (checksum, hash, cache, status, IP, scopes, rate limit);
//   a JWT:      TokenService verifies it in memory; a Keyward user token is checked against its
//               server-side session (Sessions: dropped from cache the moment it is revoked) and the
//               role its user has now (Memberships, a few seconds' cache), a token exchanged from a
//               key re-runs that key's checks from KeyStates;
// and every verdict becomes the contract's 401/403/429 with the same bodies and headers whatever the
// credential. A cache hit touches no database.

import fastifyCookie from "@fastify/cookie";
import {
  type CheckableKey,
  type CompanyKeyRecord,
  type Environment,
  isCompanyKey,
  type KeyRecord,
  KeywardError,
  missingScopes,
  scopeGrants,
  type VerifyResult,
} from "@keyward/auth-core";
import {
  answerVerdict,
  forbidden,
  SESSION_COOKIE,
  sendError,
  tooManyFailures,
  unauthorized,
  unavailable,
} from "@keyward/enforcement";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ApiContext } from "../context";
import { scopesOfRole } from "./claims";
import { csrfRefusal } from "./csrf";
import type { Access } from "./memberships";
import { TokenCheckUnavailable, type VerifiedToken } from "./tokens";

export interface KeyPrincipal {
  type: "key";
  key: CompanyKeyRecord;
  fingerprint: string;
}

/**
 * An operator key (docs/companies.md): it belongs to no company, so it is never a `Principal` and
 * `companyOf` can never scope a query by it; only routes that declare `callers` "operator" or
 * "any" see it, as `request.operator`.
 */
export interface OperatorPrincipal {
  type: "operator_key";
  key: KeyRecord & { companyId: null };
  fingerprint: string;
}

/**
 * A dashboard user (a token from POST /v1/auth/login), or the subject of an HS256 or external token;
 * `viaOperator` when a Keyward user acts by operator authority in a company they are not a member of.
 */
export type UserPrincipal = Extract<VerifiedToken, { type: "user" }> & { viaOperator: boolean };

/** A JWT exchanged from a key (POST /v1/auth/token), or the kw_session cookie of a key login. */
export interface TokenPrincipal {
  type: "token";
  companyId: string;
  keyId: string;
  fingerprint: string;
  /** The token's scopes that the key still has. */
  scopes: string[];
  environment: Environment;
  session: boolean;
  expiresAt: Date;
}

export type Principal = KeyPrincipal | UserPrincipal | TokenPrincipal;

declare module "fastify" {
  interface FastifyRequest {
    /** A caller that belongs to a company: every query of the route is scoped by its company. */
    principal?: Principal;
    /** An operator key, on routes that accept one (`callers`). */
    operator?: OperatorPrincipal;
  }
  interface FastifyContextConfig {
    /**
     * Scopes the caller needs; `[]` means any valid credential. Routes without `auth` are public.
     * `queryToken` also accepts `?token=` (only for EventSource clients, which cannot send headers).
     */
    auth?: { scopes: string[]; queryToken?: boolean; callers?: Callers };
  }
}

/**
 * Who may call a route: credentials of a company (the default: every route that touches a company's
 * data), operator keys (managing companies), or either (verifying keys). A caller of the wrong kind
 * is refused with 403 here, the one place, so no route has to remember to.
 */
export type Callers = "company" | "operator" | "any";

const OPERATOR_ONLY = "This route is for operator keys";
const COMPANY_ONLY = "An operator key manages companies and verifies keys; it cannot read a company's data";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_JWT_LENGTH = 8192;

export function isJwt(credential: string): boolean {
  return credential.length <= MAX_JWT_LENGTH && JWT_SHAPE.test(credential);
}

/**
 * The credential a request carries, or null; `sent` tells a missing credential from an unusable one,
 * `fromCookie` one the browser attached by itself (kw_session) from one the client chose to send.
 */
export function readCredential(
  request: FastifyRequest,
  opts: { queryToken?: boolean } = {},
): { credential: string | null; sent: boolean; fromCookie?: boolean } {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return { credential: match?.[1] ?? null, sent: true };
  }
  const apiKey = request.headers["x-api-key"];
  if (apiKey !== undefined) return { credential: typeof apiKey === "string" ? apiKey.trim() : null, sent: true };
  if (opts.queryToken) {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (token !== undefined)
      return { credential: typeof token === "string" && token !== "" ? token : null, sent: true };
  }
  const cookieHeader = request.headers.cookie;
  if (cookieHeader?.includes(`${SESSION_COOKIE}=`)) {
    const session = fastifyCookie.parse(cookieHeader)[SESSION_COOKIE];
    if (session !== undefined) {
      return { credential: session !== "" && isJwt(session) ? session : null, sent: true, fromCookie: true };
    }
  }
  return { credential: null, sent: false };
}

/** Required scopes that change something: for these a user token's membership is read fresh. */
function changesSomething(required: readonly string[]): boolean {
  return required.some((s) => s === "*" || s.endsWith(":write") || s.endsWith(":*"));
}

/** The app's services the hook uses (ApiContext documents each), and the origins of the CSRF check. */
export type AuthenticateDeps = Pick<
  ApiContext,
  "verifier" | "throttle" | "tokens" | "keyStates" | "companies" | "memberships" | "sessions"
> & {
  /** KEYWARD_TRUSTED_ORIGINS, for the CSRF check of cookie sessions. */
  trustedOrigins: ReadonlySet<string>;
};

export function createAuthenticateHook(deps: AuthenticateDeps) {
  const { verifier, throttle, tokens, keyStates, companies, memberships, sessions, trustedOrigins } = deps;

  async function authenticateJwt(
    request: FastifyRequest,
    reply: FastifyReply,
    jwt: string,
    required: readonly string[],
  ): Promise<void> {
    let token: VerifiedToken | null;
    try {
      token = await tokens.verify(jwt);
    } catch (error) {
      if (error instanceof TokenCheckUnavailable) return void unavailable(request, reply, error);
      throw error;
    }
    if (token === null) {
      void throttle.recordFailure(request.ip);
      return void unauthorized(reply, true);
    }

    if (token.type === "user") {
      let { role, scopes } = token;
      let viaOperator = false;
      // A Keyward user token's role is what it was at login: the membership (or operator right) now
      // decides, reads included (from a few seconds' cache; a change reads it fresh).
      if (token.issuer === "keyward") {
        let current: Access | null;
        try {
          // A signed-out session (sign out everywhere, a password change or reset) ends its tokens.
          const live = token.sessionId !== null && (await sessions.live(token.sessionId, token.userId));
          if (!live) {
            void throttle.recordFailure(request.ip);
            return void unauthorized(reply, true);
          }
          current = await memberships.access(token.userId, token.companyId, { fresh: changesSomething(required) });
        } catch (error) {
          return void unavailable(request, reply, error);
        }
        if (current === null) {
          void throttle.recordFailure(request.ip);
          return void unauthorized(reply, true);
        }
        ({ role, viaOperator } = current);
        scopes = scopesOfRole(role);
      }
      if (missingScopes(scopes, required).length > 0) return void forbidden(reply, required, scopes);
      request.principal = { ...token, role, scopes, viaOperator };
      return;
    }

    let known: CheckableKey | null;
    try {
      known = await keyStates.get(token.keyId);
    } catch (error) {
      return void unavailable(request, reply, error);
    }
    if (known === null || known.key.companyId !== token.companyId) {
      void throttle.recordFailure(request.ip);
      return void unauthorized(reply, true);
    }
    // A token never grants more than its key has now: narrowing the key narrows its tokens.
    const current = known.key.scopes;
    const scopes = token.scopes.filter((s) => scopeGrants(current, s));
    let result: VerifyResult;
    try {
      // The verifier's own checks after its cache step, on the key behind the token and its granted scopes.
      result = await verifier.check(known, { requiredScopes: required, ip: request.ip, scopes });
    } catch (error) {
      return void unavailable(request, reply, error);
    }
    if (!answerVerdict(throttle, request, reply, result, required, scopes)) return;
    request.principal = {
      type: "token",
      companyId: token.companyId,
      keyId: token.keyId,
      fingerprint: known.fingerprint,
      scopes,
      environment: known.key.environment,
      session: token.session,
      expiresAt: token.expiresAt,
    };
  }

  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const auth = request.routeOptions.config.auth;
    if (auth === undefined) return;
    const required = auth.scopes;
    const callers = auth.callers ?? "company";

    const { credential, sent, fromCookie } = readCredential(request, { queryToken: auth.queryToken === true });
    if (sent) {
      const wait = throttle.blockedFor(request.ip);
      if (wait > 0) return void tooManyFailures(reply, wait);
    }
    const csrf = fromCookie ? csrfRefusal(request, trustedOrigins) : null;
    if (csrf !== null) return void sendError(reply, new KeywardError("FORBIDDEN", csrf));
    if (!credential) {
      if (sent) void throttle.recordFailure(request.ip);
      return void unauthorized(reply, sent);
    }
    if (isJwt(credential)) {
      // Every JWT is a company's (a user's or one exchanged from a company key).
      if (callers === "operator") return void sendError(reply, new KeywardError("FORBIDDEN", OPERATOR_ONLY));
      await authenticateJwt(request, reply, credential, required);
      if (request.principal !== undefined && request.principal.type !== "key")
        companies.warm(request.principal.companyId);
      return;
    }

    let result: VerifyResult;
    try {
      result = await verifier.verify(credential, { requiredScopes: required, ip: request.ip });
    } catch (error) {
      return void unavailable(request, reply, error);
    }
    if (!answerVerdict(throttle, request, reply, result, required, result.key?.scopes ?? [])) return;
    if (!result.valid) return;
    const { key, fingerprint } = result;
    if (!isCompanyKey(key)) {
      if (callers === "company") return void sendError(reply, new KeywardError("FORBIDDEN", COMPANY_ONLY));
      request.operator = { type: "operator_key", key: { ...key, companyId: null }, fingerprint };
      return;
    }
    if (callers === "operator") return void sendError(reply, new KeywardError("FORBIDDEN", OPERATOR_ONLY));
    request.principal = { type: "key", key, fingerprint };
    companies.warm(key.companyId);
  };
}
