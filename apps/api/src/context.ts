import type { KeyVerifier } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import type { FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import type { KeyPrincipal } from "./enforcement/authenticate";
import type { KeyChangeFeed } from "./enforcement/key-changes";
import type { UsageBuffer } from "./enforcement/usage-buffer";
import type { Env } from "./env";

/** What every route module receives: the app with zod types, and the shared services. */
export interface ApiContext {
  db: Db;
  env: Env;
  verifier: KeyVerifier;
  redis: Redis | null;
  keyChanges: KeyChangeFeed;
  usage: UsageBuffer;
}

/** The authenticated key of a route that declared `config.auth` (set by the authenticate hook). */
export function principalOf(request: FastifyRequest): KeyPrincipal {
  if (!request.principal) throw new Error("Route declared no auth config but read the principal");
  return request.principal;
}

/** Who did it, for audit events: the key by id and fingerprint, with the caller's IP and user agent. */
export function actorOf(request: FastifyRequest) {
  const { key, fingerprint } = principalOf(request);
  return {
    type: "key" as const,
    id: key.id,
    fingerprint,
    ip: request.ip,
    userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null,
  };
}

declare module "fastify" {
  interface FastifyInstance {
    /** The app's shared services, for tests and operational hooks. */
    keyward: ApiContext;
  }
}
