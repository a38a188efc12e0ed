import { SESSION_COOKIE } from "@keyward/enforcement";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiContext } from "../../context";
import { sessionCookieOptions } from "./session-cookie";

/**
 * `POST /v1/auth/logout`: clears the kw_session cookie. Public on purpose: a browser whose session
 * already expired must still be able to drop the cookie.
 */
export const logoutRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { env }) => {
  app.post(
    "/v1/auth/logout",
    {
      schema: {
        tags: ["auth"],
        summary: "End the cookie session",
        response: { 200: z.object({ authenticated: z.literal(false) }) },
      },
    },
    async (request, reply) => {
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(env, request));
      return { authenticated: false as const };
    },
  );
};
