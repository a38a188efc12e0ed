import { BUILT_IN_RESOURCES } from "@keyward/auth-core";
import { environmentSchema, listScopeResourceNames } from "@keyward/core";
import type { Metadata } from "next";
import Link from "next/link";
import { card } from "@/components/styles";
import { env } from "@/env";
import { getDb } from "@/server/db";
import { canManageKeys, requireMember } from "@/server/session";
import { CreateKeyForm } from "./create-key-form";

export const metadata: Metadata = { title: "Create key" };

// The custom picker offers read and write on each built-in resource, plus permission to call the verify endpoint.
const BUILT_IN_SCOPES = [...BUILT_IN_RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`]), "keys:verify"];

export default async function NewKeyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const member = await requireMember();
  // `?environment=` comes from the keys list's Live/Test switch; anything else keeps the form's default.
  const { environment } = await searchParams;
  const defaultEnvironment = environmentSchema.safeParse(environment).data;
  // The company's own resources (Settings → Scope catalogue) are offered next to the built-in ones.
  const own = await listScopeResourceNames(await getDb(), member.companyId);
  const scopes = [...BUILT_IN_SCOPES, ...own.flatMap((r) => [`${r}:read`, `${r}:write`])];
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <Link href="/keys" className="text-sm font-medium text-slate-500 hover:text-slate-900">
          ← API keys
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Create an API key</h1>
        <p className="mt-1 text-sm text-slate-500">
          The secret is shown once, right after creation. Keyward keeps only its hash.
        </p>
      </div>
      {canManageKeys(member) ? (
        <CreateKeyForm builtInScopes={scopes} apiUrl={env.KEYWARD_API_URL} defaultEnvironment={defaultEnvironment} />
      ) : (
        <div className={`${card} p-6 text-sm text-slate-600`} role="alert">
          Your role (<strong>{member.role}</strong>) can view keys but not create them. Ask an owner or admin of your
          company.
        </div>
      )}
    </div>
  );
}
