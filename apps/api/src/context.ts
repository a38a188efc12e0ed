import type { KeyVerifier, PasswordHashing } from "@keyward/auth-core";
import { type Actor, isUuid, type PasswordLogins } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FailedAuthThrottle, KeyChangeFeed, KeyStates, UsageBuffer } from "@keyward/enforcement";
import type { FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import type { Alerting } from "./alerts/alerting";
import type { OperatorPrincipal, Principal } from "./auth/authenticate";
import type { CompanyNames } from "./auth/company-names";
import type { Memberships } from "./auth/memberships";
import type { Sessions } from "./auth/sessions";
import type { TokenService } from "./auth/tokens";
import type { Env } from "./env";
import type { AuditFeed } from "./routes/events/audit-feed";

/** What every route module receives: the app with zod types, and the shared services. */
export interface ApiContext {
  db: Db;
  env: Env;
  verifier: KeyVerifier;
  redis: Redis | null;
  keyChanges: KeyChangeFeed;
  usage: UsageBuffer;
  /** Counts refused credentials per IP (the authenticate hook and login share it). */
  throttle: FailedAuthThrottle;
  /** Issues and verifies JWTs. */
  tokens: TokenService;
  /** Keys by id, for tokens exchanged from a key and for long-lived streams. */
  keyStates: KeyStates;
  /** Company names by id, kept for the credentials in use (GET /v1/me answers from it while the database is down). */
  companies: CompanyNames;
  /** Keyward users' current roles (a few seconds' cache), for every request with a user token. */
  memberships: Memberships;
  sessions: Sessions;
  /** New audit events per company, for the event streams. */
  events: AuditFeed;
  /** Alert rules, detection and delivery (docs/api.md#alerts). */
  alerts: Alerting;
  /** Email-and-password logins, throttled before the password is checked (shared with the dashboard). */
  logins: PasswordLogins;
  /** What new password hashes are made with: OWASP's parameters unless a test passes cheaper ones. */
  passwordHashing?: PasswordHashing;
}

/** The authenticated caller of a route that declared `config.auth` (set by the authenticate hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error("Route declared no auth config but read the principal");
  return request.principal;
}

/** The caller's company: every query of an authenticated route is scoped by it. */
export function companyOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  return principal.type === "key" ? principal.key.companyId : principal.companyId;
}

/** The scopes the caller holds right now (a user's role, a key's scopes, a token's scopes its key still has). */
export function scopesOf(request: FastifyRequest): string[] {
  const principal = principalOf(request);
  return principal.type === "key" ? principal.key.scopes : principal.scopes;
}

/**
 * Who did it, for audit events: a key by id and fingerprint (also when it acts through a token), or a
 * user; with the scopes it holds, which bound the keys it may change (assertMayManageKeys).
 */
export function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request);
  const seen = {
    ip: request.ip,
    userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null,
    scopes: scopesOf(request),
  };
  switch (principal.type) {
    case "key":
      return { type: "key", id: principal.key.id, fingerprint: principal.fingerprint, ...seen };
    case "token":
      return { type: "key", id: principal.keyId, fingerprint: principal.fingerprint, ...seen };
    case "user":
      // Users are recorded by Keyward user id (a uuid column); an external subject that is not one cannot be.
      if (!isUuid(principal.userId)) return { type: "system", ...seen };
      // An operator acting in a company they are not a member of is recorded as the operator.
      return { type: principal.viaOperator ? "operator" : "user", id: principal.userId, ...seen };
  }
}

/** The operator key calling a route that declared `callers: "operator"`. */
export function operatorOf(request: FastifyRequest): OperatorPrincipal {
  if (!request.operator) throw new Error("Route declared no operator callers but read the operator");
  return request.operator;
}

/** An operator key as the actor of audit events, written into the log of the company it acted on. */
export function operatorActorOf(request: FastifyRequest): Actor {
  const { key, fingerprint } = operatorOf(request);
  return {
    type: "operator_key",
    id: key.id,
    fingerprint,
    ip: request.ip,
    userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null,
    scopes: key.scopes,
  };
}

declare module "fastify" {
  interface FastifyInstance {
    /** The app's shared services, for tests and operational hooks. */
    keyward: ApiContext;
  }
}
