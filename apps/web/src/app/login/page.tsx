import { hasAnyCompany } from "@keyward/core";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth-shell";
import { env } from "@/env";
import { getDb } from "@/server/db";
import { currentMember, SUSPENDED_MESSAGE } from "@/server/session";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (!(await hasAnyCompany(await getDb()))) redirect("/setup");
  if (await currentMember()) redirect("/keys");
  const { next, suspended, reset } = await searchParams;
  return (
    <AuthShell title="Sign in to Keyward" subtitle="Manage your company's API keys.">
      {/* A session refused because its company was suspended meanwhile (requireMember). */}
      {suspended === "1" ? (
        <p
          role="status"
          data-testid="session-suspended"
          className="mb-5 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/20 ring-inset"
        >
          {SUSPENDED_MESSAGE}
        </p>
      ) : null}
      {reset === "1" ? (
        <p
          role="status"
          data-testid="password-reset-done"
          className="mb-5 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-600/20 ring-inset"
        >
          Your password was changed and every session signed out. Sign in with the new password.
        </p>
      ) : null}
      <LoginForm next={typeof next === "string" ? next : "/keys"} />
      <p className="mt-4 text-center text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Forgot your password?
        </Link>
      </p>
      {env.KEYWARD_SIGNUP === "open" ? (
        <p className="mt-6 text-center text-sm text-slate-600">
          New to Keyward?{" "}
          <Link href="/signup" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            Create a company
          </Link>
        </p>
      ) : null}
    </AuthShell>
  );
}
