import { KeywardError } from "@keyward/auth-core";
import { appendAuditEvent, roleSchema, type SignUpOutcome, signUpInputSchema } from "@keyward/core";
import { tooManyFailures, unavailable } from "@keyward/enforcement";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { issueUserSession } from "../../auth/user-token";
import type { ApiContext } from "../../context";

export const signUpResponseSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), role: roleSchema }),
  company: z.object({ id: z.string(), name: z.string() }),
  token: z.string().describe("ES256 JWT for `Authorization: Bearer`, valid 1 hour, for the new company"),
  expiresAt: z.string(),
});

/** The refusal of an email that has an account with another password (the dashboard's words too). */
const REFUSED =
  "This email and password cannot be used to sign up. If the email has an account, use its password: the new company is added to it.";

/**
 * `POST /v1/auth/signup` (KEYWARD_SIGNUP=open; else 404): a new company owned by this email, and a
 * user JWT for it, as `POST /v1/auth/login` answers. An existing account becomes the owner only with
 * its own password (409 otherwise). Each sign-up is counted like a failed login, per IP, per
 * account and IP, and per account (PasswordLogins, shared with the dashboard), and never given back.
 */
export const signUpRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, env, throttle, tokens, logins }) => {
  app.post(
    "/v1/auth/signup",
    {
      schema: {
        tags: ["auth"],
        summary: "Create a company and its owner (self-service sign-up, when KEYWARD_SIGNUP=open)",
        body: signUpInputSchema,
        response: { 201: signUpResponseSchema },
      },
    },
    async (request, reply) => {
      if (env.KEYWARD_SIGNUP !== "open") throw new KeywardError("NOT_FOUND", "Sign-up is closed");
      const wait = throttle.blockedFor(request.ip);
      if (wait > 0) return tooManyFailures(reply, wait);
      let outcome: SignUpOutcome;
      try {
        outcome = await logins.signUp({ ...request.body, ip: request.ip });
      } catch (error) {
        return unavailable(request, reply, error);
      }
      if (!outcome.ok && outcome.reason === "throttled") {
        return tooManyFailures(reply, Math.ceil(outcome.retryAfterMs / 1000), "Too many sign-up or login attempts");
      }
      if (!outcome.ok) throw new KeywardError("CONFLICT", REFUSED);
      const { user } = outcome;
      const issued = await issueUserSession(db, tokens, user, request);
      await db.$transaction((tx) =>
        appendAuditEvent(tx, {
          companyId: user.companyId,
          actor: {
            type: "user",
            id: user.id,
            ip: request.ip,
            userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null,
          },
          action: "user.logged_in",
          targetType: "user",
          targetId: user.id,
          metadata: { tokenId: issued.tokenId, expiresAt: issued.expiresAt.toISOString(), signUp: true },
        }),
      );
      return reply.status(201).send({
        user: { id: user.id, email: user.email, role: user.role },
        company: { id: user.companyId, name: request.body.companyName },
        token: issued.token,
        expiresAt: issued.expiresAt.toISOString(),
      });
    },
  );
};
