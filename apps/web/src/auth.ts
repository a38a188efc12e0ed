import { DASHBOARD_SESSION_SECONDS, openSession, text } from "@keyward/core";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { authConfig } from "@/auth.config";
import { stampedClientIp } from "@/server/client-address";
import { getDb } from "@/server/db";
import { passwordLogins } from "@/server/login-throttle";

const credentialsSchema = z.object({
  email: text(254).trim().min(1),
  password: z.string().min(1).max(200),
  // Sign-up signs in to the company it just made, not the user's first.
  company: z.uuid().optional(),
  // An authenticator or recovery code, for an account with two-factor sign-in on.
  code: text(32).trim().optional(),
});

/** Refused before the password is checked; `retryAfterMs` lets the login form say how long to wait. */
export class LoginThrottled extends CredentialsSignin {
  override code = "throttled";
  constructor(readonly retryAfterMs: number) {
    super();
  }
}

/** The password was right and the account has two-factor sign-in on: the form asks for a code. */
export class CodeRequired extends CredentialsSignin {
  override code = "code_required";
}

/** The password was right but the code was wrong or already used (a failed attempt, counted). */
export class BadCode extends CredentialsSignin {
  override code = "bad_code";
}

/** The password was right, but the company it opens is suspended: the form says so. */
export class CompanySuspended extends CredentialsSignin {
  override code = "suspended";
}

export const {
  handlers,
  auth,
  signIn,
  signOut,
  // Changes the session's company (the company switcher); the token is re-signed by the jwt callback.
  unstable_update: updateSession,
} = NextAuth({
  ...authConfig,
  logger: {
    // A wrong password is an expected outcome, not a server error worth a stack trace.
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // Throttled here, not in the form's action, so posting to /api/auth/callback/credentials is throttled too.
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const { email, password, company, code } = parsed.data;
        const logins = await passwordLogins();
        const ip = stampedClientIp(request.headers);
        const outcome = await logins.attempt({
          email,
          password,
          ip,
          ...(company === undefined ? {} : { company }),
          ...(code ? { code } : {}),
        });
        if (!outcome.ok && outcome.reason === "throttled") throw new LoginThrottled(outcome.retryAfterMs);
        // Said only after the password was right (core answers "suspended" no sooner).
        if (!outcome.ok && outcome.reason === "suspended") throw new CompanySuspended();
        if (!outcome.ok && outcome.reason === "code_required") throw new CodeRequired();
        if (!outcome.ok && outcome.reason === "bad_code") throw new BadCode();
        // One answer for an unknown email and a wrong password, so the form cannot be used to probe emails.
        if (!outcome.ok) throw new CredentialsSignin();
        const { user } = outcome;
        // The server-side session this browser's cookie names (docs/security.md#sessions); the second
        // factor was checked above, so a session exists only for a completed sign-in.
        const sessionId = await openSession(await getDb(), {
          userId: user.id,
          kind: "dashboard",
          ip,
          userAgent: request.headers.get("user-agent"),
          expiresAt: new Date(Date.now() + DASHBOARD_SESSION_SECONDS * 1000),
        });
        return { id: user.id, email: user.email, companyId: user.companyId, role: user.role, sessionId };
      },
    }),
  ],
});
