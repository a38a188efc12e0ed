import type { CookieSerializeOptions } from "@fastify/cookie";
import type { Env } from "../../env";

/** The kw_session cookie (docs/api.md#credentials): httpOnly, SameSite=Lax, Secure outside development and test. */
export function sessionCookieOptions(env: Env): CookieSerializeOptions {
  return { path: "/", httpOnly: true, sameSite: "lax", secure: env.NODE_ENV === "production" };
}
