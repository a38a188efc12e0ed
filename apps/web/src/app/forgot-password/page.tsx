import type { Metadata } from "next";
import Link from "next/link";
import { AuthShell } from "@/components/auth-shell";
import { canEmailResets } from "@/server/reset-email";
import { ForgotPasswordForm } from "./forgot-form";

export const metadata: Metadata = { title: "Forgot your password?" };

export default function ForgotPasswordPage() {
  const emails = canEmailResets();
  return (
    <AuthShell
      title="Forgot your password?"
      subtitle={emails ? "We email you a link to choose a new one." : "This Keyward does not send email."}
    >
      {emails ? (
        <ForgotPasswordForm />
      ) : (
        <p className="text-sm text-slate-700" data-testid="ask-operator">
          Ask the operator of this Keyward to reset your password. On the host they run{" "}
          <code className="rounded bg-slate-100 px-1 py-0.5 text-xs">keyward users reset-password --email you@…</code>,
          which gives you a new password and signs you out everywhere.
        </p>
      )}
      <p className="mt-6 text-center text-sm text-slate-600">
        <Link href="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Back to sign in
        </Link>
      </p>
    </AuthShell>
  );
}
