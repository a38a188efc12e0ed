import { openSession } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyRequest } from "fastify";
import { USER_TOKEN_TTL_SECONDS } from "./claims";
import type { IssuedToken, TokenService } from "./tokens";

/**
 * A user token (1 h) and the server-side session it names, for a user whose sign-in passed
 * (POST /v1/auth/login, /v1/auth/signup). The session's IP is Fastify's `request.ip`: the client's
 * address only as TRUST_PROXY's proxies report it.
 */
export async function issueUserSession(
  db: Db,
  tokens: TokenService,
  user: { id: string; companyId: string; role: Parameters<TokenService["issueUserToken"]>[0]["role"] },
  request: FastifyRequest,
): Promise<IssuedToken & { sessionId: string }> {
  const sessionId = await openSession(db, {
    userId: user.id,
    kind: "api",
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
    expiresAt: new Date(Date.now() + USER_TOKEN_TTL_SECONDS * 1000),
  });
  return { ...(await tokens.issueUserToken(user, sessionId, USER_TOKEN_TTL_SECONDS)), sessionId };
}
