// The part of the next-auth configuration that needs no database, shared by src/proxy.ts and src/auth.ts.
import type { Role } from "@keyward/core";
import type { NextAuthConfig } from "next-auth";
import { env } from "@/env";

declare module "next-auth" {
  interface Session {
    /** `sessionId`: the server-side session (core sessions.ts) every request checks is still live. */
    user: { id: string; email: string; companyId: string; role: Role; sessionId: string };
  }
  interface User {
    companyId?: string;
    role?: Role;
    sessionId?: string;
  }
}

// next-auth refuses to run without a secret; in development a fixed one keeps `next dev` working out of the box.
const DEVELOPMENT_SECRET = "keyward-development-only-secret-do-not-use-in-production";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export const authConfig = {
  secret: env.AUTH_SECRET ?? DEVELOPMENT_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [],
  callbacks: {
    jwt({ token, user, trigger, session }) {
      // `user` is only set at sign-in: copy what the dashboard needs into the token once.
      if (user?.id && user.companyId && user.role && user.sessionId) {
        token.sub = user.id;
        token.sid = user.sessionId;
        token.email = user.email;
        token.companyId = user.companyId;
        token.role = user.role;
      }
      // The company switcher (server/switch-company.ts) after it checked the right. A browser can post
      // an update too: it gains nothing, as every request re-reads the membership (findMembership).
      if (trigger === "update") {
        const next = (session as { user?: { companyId?: unknown; role?: unknown } } | undefined)?.user;
        if (typeof next?.companyId === "string" && UUID.test(next.companyId)) token.companyId = next.companyId;
        if (next?.role === "owner" || next?.role === "admin" || next?.role === "viewer") token.role = next.role;
      }
      return token;
    },
    session({ session, token }) {
      session.user = {
        ...session.user,
        id: String(token.sub ?? ""),
        email: String(token.email ?? ""),
        companyId: String(token.companyId ?? ""),
        role: (token.role as Role | undefined) ?? "viewer",
        sessionId: String(token.sid ?? ""),
      };
      return session;
    },
  },
} satisfies NextAuthConfig;
