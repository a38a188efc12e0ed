import { isCompanyKey, KeywardError, type VerifyResult } from "@keyward/auth-core";
import { appendAuditEvent, type LoginOutcome, roleSchema, text } from "@keyward/core";
import {
  answerVerdict,
  SESSION_COOKIE,
  sendError,
  tooManyFailures,
  unauthorized,
  unavailable,
  WWW_AUTHENTICATE,
} from "@keyward/enforcement";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { SESSION_TTL_SECONDS } from "../../auth/claims";
import { issueUserSession } from "../../auth/user-token";
import type { ApiContext } from "../../context";
import { sessionSummarySchema, summarize } from "./schemas";
import { sessionCookieOptions } from "./session-cookie";

export const loginBodySchema = z.union([
  z.strictObject({
    email: text(254).trim().min(1),
    password: z.string().min(1).max(200),
    company: text(120)
      .trim()
      .min(1)
      .optional()
      .describe("The company to sign in to, by id or name; default the user's first that is not suspended"),
    code: text(32)
      .trim()
      .min(1)
      .optional()
      .describe(
        "For an account with two-factor sign-in on: the 6-digit code of its authenticator app, or an unused recovery code",
      ),
  }),
  z.strictObject({ key: z.string().min(1).max(512).describe("An admin key (scope `*`): starts a cookie session") }),
]);

export const userLoginResponseSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), role: roleSchema }),
  company: z.object({ id: z.string(), name: z.string() }).describe("The company the token is for"),
  token: z.string().describe("ES256 JWT for `Authorization: Bearer`, valid 1 hour"),
  expiresAt: z.string(),
});

const ADMIN = ["*"];
const WRONG_PASSWORD = "Incorrect email or password";
const WRONG_CODE = "Incorrect code";
const SUSPENDED = "This company is suspended: ask the operator of this Keyward to resume it";

/**
 * `POST /v1/auth/login`: email and password → a user JWT in the body; an admin key → the
 * kw_session cookie (8 h, never past the key's expiry). Refusals are the contract's 401/403/429 and
 * count toward the failed-credential throttle of the caller's IP, like refused keys. A password
 * attempt is counted before it is checked, per IP, per account and IP, and per account
 * (PasswordLogins, shared with the dashboard), and given back when it succeeds. A user of several
 * companies names one (`company`, id or name); the token is for that company only. An account with
 * two-factor sign-in on also sends `code`: without it, a right password answers 401
 * TWO_FACTOR_REQUIRED; a wrong or used code is a failed attempt like a wrong password.
 */
export const loginRoute: FastifyPluginAsyncZod<ApiContext> = async (
  app,
  { db, env, verifier, throttle, tokens, logins },
) => {
  app.post(
    "/v1/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary: "Log in with email and password, or start a cookie session with an admin key",
        body: loginBodySchema,
        response: { 200: z.union([userLoginResponseSchema, sessionSummarySchema]) },
      },
    },
    async (request, reply) => {
      const wait = throttle.blockedFor(request.ip);
      if (wait > 0) return tooManyFailures(reply, wait);
      const seen = { ip: request.ip, userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null };

      if ("key" in request.body) {
        let result: VerifyResult;
        try {
          result = await verifier.verify(request.body.key, { requiredScopes: ADMIN, ip: request.ip });
        } catch (error) {
          return unavailable(request, reply, error);
        }
        if (!answerVerdict(throttle, request, reply, result, ADMIN, result.key?.scopes ?? [])) return reply;
        if (!result.valid) throw new KeywardError("UNAUTHORIZED");
        const { key, fingerprint } = result;
        // A session is a company's; an operator key has none (it cannot hold `*` either).
        if (!isCompanyKey(key)) throw new KeywardError("FORBIDDEN", "An operator key cannot start a session");
        const session = await tokens.issueKeyToken(key, { ttlSeconds: SESSION_TTL_SECONDS, session: true });
        await db.$transaction((tx) =>
          appendAuditEvent(tx, {
            companyId: key.companyId,
            actor: { type: "key", id: key.id, fingerprint, ...seen },
            action: "session.created",
            targetType: "key",
            targetId: key.id,
            keyId: key.id,
            metadata: { tokenId: session.tokenId, expiresAt: session.expiresAt.toISOString() },
          }),
        );
        reply.setCookie(SESSION_COOKIE, session.token, {
          ...sessionCookieOptions(env, request),
          expires: session.expiresAt,
        });
        return summarize(db, {
          type: "token",
          companyId: key.companyId,
          keyId: key.id,
          fingerprint,
          scopes: key.scopes,
          environment: key.environment,
          session: true,
          expiresAt: session.expiresAt,
        });
      }

      let outcome: LoginOutcome;
      try {
        const { email, password, company, code } = request.body;
        outcome = await logins.attempt({
          email,
          password,
          ip: request.ip,
          ...(company ? { company } : {}),
          ...(code ? { code } : {}),
        });
      } catch (error) {
        return unavailable(request, reply, error);
      }
      if (!outcome.ok && outcome.reason === "throttled") {
        return tooManyFailures(reply, Math.ceil(outcome.retryAfterMs / 1000), "Too many failed login attempts");
      }
      // The password was right (core says so only then): not a failed credential.
      if (!outcome.ok && outcome.reason === "suspended") throw new KeywardError("FORBIDDEN", SUSPENDED);
      // Also said only after the password was right; a client asks for the code and sends both again.
      if (!outcome.ok && outcome.reason === "code_required") {
        reply.header("WWW-Authenticate", WWW_AUTHENTICATE);
        return sendError(reply, new KeywardError("TWO_FACTOR_REQUIRED"));
      }
      if (!outcome.ok && outcome.reason === "bad_code") return unauthorized(reply, true, WRONG_CODE);
      // One answer for an unknown email and a wrong password, so it cannot be used to probe emails.
      if (!outcome.ok) return unauthorized(reply, true, WRONG_PASSWORD);
      const { user } = outcome;
      const { id, email, companyId, role } = user;
      const company = await db.company.findUnique({ where: { id: companyId }, select: { id: true, name: true } });
      // Deleted since the password was checked: there is nothing left to sign in to.
      if (company === null) return unauthorized(reply, true);
      const issued = await issueUserSession(db, tokens, user, request);
      await db.$transaction((tx) =>
        appendAuditEvent(tx, {
          companyId,
          // An operator who is no member acts by operator authority, and the company's log says so.
          actor: user.viaOperator ? { type: "operator", id, ...seen } : { type: "user", id, ...seen },
          action: "user.logged_in",
          targetType: "user",
          targetId: id,
          metadata: { tokenId: issued.tokenId, expiresAt: issued.expiresAt.toISOString() },
        }),
      );
      return { user: { id, email, role }, company, token: issued.token, expiresAt: issued.expiresAt.toISOString() };
    },
  );
};
