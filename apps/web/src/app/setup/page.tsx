import { hasAnyCompany } from "@keyward/core";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth-shell";
import { getDb } from "@/server/db";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  // First run only: once a company exists, setup is closed (setupFirstCompany refuses too).
  if (await hasAnyCompany(await getDb())) redirect("/login");
  return (
    <AuthShell
      wide
      title="Welcome to Keyward"
      subtitle="Create your company and its owner account. You will get an admin key and a read-only key to start with."
    >
      <SetupForm />
    </AuthShell>
  );
}
