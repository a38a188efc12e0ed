import { hasAnyCompany } from "@keyward/core";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth-shell";
import { getDb } from "@/server/db";
import { currentMember } from "@/server/session";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (!(await hasAnyCompany(await getDb()))) redirect("/setup");
  if (await currentMember()) redirect("/keys");
  const { next } = await searchParams;
  return (
    <AuthShell title="Sign in to Keyward" subtitle="Manage your company's API keys.">
      <LoginForm next={typeof next === "string" ? next : "/keys"} />
    </AuthShell>
  );
}
