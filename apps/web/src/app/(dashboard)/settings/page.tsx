import { BUILT_IN_RESOURCES } from "@keyward/auth-core";
import { formatDuration, getCompanySettings, getGuardSettings } from "@keyward/core";
import type { Metadata } from "next";
import { card } from "@/components/styles";
import { getDb } from "@/server/db";
import { canManageKeys, requireMember } from "@/server/session";
import { GuardSection } from "./guard-section";
import { AddResourceForm, RemoveResourceButton, SingleFieldForm } from "./settings-forms";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const member = await requireMember();
  const db = await getDb();
  const [settings, guard] = await Promise.all([
    getCompanySettings(db, member.companyId),
    getGuardSettings(db, member.companyId),
  ]);
  const manage = canManageKeys(member);

  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Settings</h1>
        {manage ? null : (
          <p className="mt-1 text-sm text-slate-500" data-testid="viewer-note">
            Your role ({member.role}) can see the settings but not change them.
          </p>
        )}
      </div>

      <section aria-labelledby="company-heading" className={`${card} space-y-6 p-5`}>
        <h2 id="company-heading" className="text-base font-semibold text-slate-900">
          Company
        </h2>
        {manage ? (
          <>
            <SingleFieldForm
              field="name"
              title="Company name"
              initial={settings.name}
              description="Shown in the dashboard and in invites."
            />
            <SingleFieldForm
              field="keyPrefix"
              title="Key prefix"
              initial={settings.keyPrefix}
              mono
              description="2–10 characters, a–z and 0–9. Applies to keys created from now on; existing keys keep theirs."
            />
          </>
        ) : (
          <dl className="grid gap-4 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-xs font-medium text-slate-500">Company name</dt>
              <dd className="mt-1 text-slate-800">{settings.name}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-slate-500">Key prefix</dt>
              <dd className="mt-1 font-mono text-slate-800">{settings.keyPrefix}</dd>
            </div>
          </dl>
        )}
      </section>

      <section aria-labelledby="scopes-heading" className={`${card} space-y-4 p-5`}>
        <div>
          <h2 id="scopes-heading" className="text-base font-semibold text-slate-900">
            Scope catalogue
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            Your own resources, for your services and the guard: each gives the scopes{" "}
            <code className="font-mono text-xs">resource:read</code> and{" "}
            <code className="font-mono text-xs">resource:write</code>. Built in:{" "}
            {BUILT_IN_RESOURCES.map((r, i) => (
              <span key={r}>
                {i > 0 ? ", " : ""}
                <code className="font-mono text-xs">{r}</code>
              </span>
            ))}
            .
          </p>
        </div>
        {settings.scopeResources.length === 0 ? (
          <p
            className="rounded-lg bg-slate-50 px-4 py-6 text-center text-sm text-slate-500"
            data-testid="resources-empty"
          >
            No resources of your own yet.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200" data-testid="resources-list">
            {settings.scopeResources.map((r) => (
              <li key={r.id} className="flex items-center justify-between gap-3 px-4 py-2.5" data-testid="resource-row">
                <div className="min-w-0">
                  <code className="font-mono text-sm font-medium text-slate-900">{r.name}</code>
                  {r.description ? <p className="truncate text-xs text-slate-500">{r.description}</p> : null}
                </div>
                {manage ? <RemoveResourceButton id={r.id} name={r.name} /> : null}
              </li>
            ))}
          </ul>
        )}
        {manage ? <AddResourceForm /> : null}
      </section>

      <section aria-labelledby="guard-heading" className={`${card} space-y-4 p-5`}>
        <div>
          <h2 id="guard-heading" className="text-base font-semibold text-slate-900">
            Guard
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            <code className="font-mono text-xs">pnpm keyward guard --upstream URL</code> puts Keyward in front of a
            service. Started without <code className="font-mono text-xs">--auth-secret</code>, it uses this secret and
            token lifetime; callers send <code className="font-mono text-xs">keyward-auth-key</code> or{" "}
            <code className="font-mono text-xs">keyward-auth-token</code>.
          </p>
        </div>
        <GuardSection manage={manage} secretSet={guard.secretSet} ttlText={formatDuration(guard.tokenTtlSeconds)} />
      </section>
    </div>
  );
}
