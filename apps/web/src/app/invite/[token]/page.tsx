import { findOpenInvite } from "@keyward/core";
import type { Metadata } from "next";
import Link from "next/link";
import { AuthShell } from "@/components/auth-shell";
import { ROLE_IN_SENTENCE } from "@/components/labels";
import { getDb } from "@/server/db";
import { AcceptInviteForm } from "./accept-form";

export const metadata: Metadata = { title: "Accept invite", referrer: "no-referrer" };

export default async function AcceptInvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await findOpenInvite(await getDb(), token);
  if (!invite) {
    return (
      <AuthShell title="This invite cannot be used" subtitle="It may have expired, been used already, or withdrawn.">
        <p className="text-sm text-slate-600" data-testid="invite-invalid">
          Ask an owner of your company for a new invite, or{" "}
          <Link href="/login" className="font-semibold text-indigo-700 underline">
            sign in
          </Link>{" "}
          if you already have an account.
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell
      title={`Join ${invite.companyName}`}
      subtitle={
        invite.existingAccount
          ? `You are invited as ${ROLE_IN_SENTENCE[invite.role]}. Enter your Keyward password to join.`
          : `You are invited as ${ROLE_IN_SENTENCE[invite.role]}. Choose a password to create your account.`
      }
    >
      <AcceptInviteForm token={token} email={invite.email} existingAccount={invite.existingAccount} />
    </AuthShell>
  );
}
