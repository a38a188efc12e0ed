import { text } from "@keyward/core";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { authConfig } from "@/auth.config";
import { stampedClientIp } from "@/server/client-address";
import { passwordLogins } from "@/server/login-throttle";

const credentialsSchema = z.object({
  email: text(254).trim().min(1),
  password: z.string().min(1).max(200),
});

/** Refused before the password is checked; `retryAfterMs` lets the login form say how long to wait. */
export class LoginThrottled extends CredentialsSignin {
  override code = "throttled";
  constructor(readonly retryAfterMs: number) {
    super();
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
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
        const { email, password } = parsed.data;
        const logins = await passwordLogins();
        const outcome = await logins.attempt({ email, password, ip: stampedClientIp(request.headers) });
        if (!outcome.ok && outcome.reason === "throttled") throw new LoginThrottled(outcome.retryAfterMs);
        // One answer for an unknown email and a wrong password, so the form cannot be used to probe emails.
        if (!outcome.ok) throw new CredentialsSignin();
        const { user } = outcome;
        return { id: user.id, email: user.email, companyId: user.companyId, role: user.role };
      },
    }),
  ],
});
