import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyRequest } from "fastify";
import type { Env } from "../../env";

/**
 * The kw_session cookie (docs/api.md#credentials): httpOnly, SameSite=Lax, and Secure whenever the
 * request came over HTTPS (the API's own TLS, or a trusted proxy's X-Forwarded-Proto) and always in production.
 */
export function sessionCookieOptions(env: Env, request: FastifyRequest): CookieSerializeOptions {
  const secure = env.NODE_ENV === "production" || request.protocol === "https";
  return { path: "/", httpOnly: true, sameSite: "lax", secure };
}
