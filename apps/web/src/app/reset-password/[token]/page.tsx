import { passwordResetIsUsable } from "@keyward/core";
import type { Metadata } from "next";
import Link from "next/link";
import { AuthShell } from "@/components/auth-shell";
import { getDb } from "@/server/db";
import { ResetPasswordForm } from "./reset-form";

// The token is in the path: never sent on to another site.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!(await passwordResetIsUsable(await getDb(), token))) {
    return (
      <AuthShell
        title="This link cannot be used"
        subtitle="It may have expired (after 30 minutes) or been used already."
      >
        <p className="text-sm text-slate-600" data-testid="reset-invalid">
          <Link href="/forgot-password" className="font-semibold text-indigo-700 underline">
            Ask for a new link
          </Link>
          , or{" "}
          <Link href="/login" className="font-semibold text-indigo-700 underline">
            sign in
          </Link>{" "}
          if you remember your password.
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Choose a new password" subtitle="Every session of your account will be signed out.">
      <ResetPasswordForm token={token} />
    </AuthShell>
  );
}
