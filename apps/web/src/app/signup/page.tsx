import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { AuthShell } from "@/components/auth-shell";
import { env } from "@/env";
import { currentMember } from "@/server/session";
import { SignUpForm } from "./signup-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage() {
  // KEYWARD_SIGNUP=closed (the default): no such page.
  if (env.KEYWARD_SIGNUP !== "open") notFound();
  if (await currentMember()) redirect("/keys");
  return (
    <AuthShell
      title="Create your company"
      subtitle={
        <>
          You will be its owner. Already have an account?{" "}
          <Link href="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm />
    </AuthShell>
  );
}
