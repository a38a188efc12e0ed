import { listSessions, twoFactorStatus } from "@keyward/core";
import type { Metadata } from "next";
import { formatRelative } from "@/components/format";
import { LocalTime } from "@/components/local-time";
import { buttonSecondary, card } from "@/components/styles";
import { getDb } from "@/server/db";
import { currentSessionId, requireMember } from "@/server/session";
import { ChangePasswordForm } from "./account-forms";
import { signOutEverywhereAction } from "./actions";
import { TwoFactorPanel } from "./two-factor-forms";

export const metadata: Metadata = { title: "Account" };

const KIND_LABEL = { dashboard: "Dashboard", api: "API token" } as const;

/** The user agent, cut to one line; the whole string is in the title. */
function shortAgent(agent: string | null): string {
  if (!agent) return "Unknown client";
  return agent.length > 80 ? `${agent.slice(0, 77)}…` : agent;
}

export default async function AccountPage() {
  const member = await requireMember();
  const db = await getDb();
  const [sessions, current, twoFactor] = await Promise.all([
    listSessions(db, member.id),
    currentSessionId(),
    twoFactorStatus(db, member.id),
  ]);
  const now = Date.now();

  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Account</h1>
        <p className="mt-1 text-sm text-slate-500" data-testid="account-email">
          Signed in as {member.email}
        </p>
      </div>

      <section aria-labelledby="password-heading" className={`${card} space-y-4 p-5`}>
        <div>
          <h2 id="password-heading" className="text-base font-semibold text-slate-900">
            Password
          </h2>
          <p className="mt-1 text-sm text-slate-500">Changing it signs out every other session, API tokens included.</p>
        </div>
        <ChangePasswordForm />
      </section>

      <section aria-labelledby="two-factor-heading" className={`${card} space-y-4 p-5`} data-testid="two-factor">
        <div>
          <h2 id="two-factor-heading" className="text-base font-semibold text-slate-900">
            Two-factor authentication
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            A code from an authenticator app after your password, for the dashboard and POST /v1/auth/login.
          </p>
        </div>
        <TwoFactorPanel enabled={twoFactor.enabled} recoveryCodesLeft={twoFactor.recoveryCodesLeft} />
      </section>

      <section aria-labelledby="sessions-heading" className={`${card} space-y-4 p-5`}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
              Active sessions
            </h2>
            <p className="mt-1 text-sm text-slate-500">
              Browsers signed in to the dashboard, and API tokens from POST /v1/auth/login.
            </p>
          </div>
          <form action={signOutEverywhereAction}>
            <button type="submit" className={buttonSecondary} data-testid="sign-out-everywhere">
              Sign out everywhere
            </button>
          </form>
        </div>
        <ul className="divide-y divide-slate-200" data-testid="sessions">
          {sessions.map((s) => (
            <li
              key={s.id}
              className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-3"
              data-testid="session"
            >
              <div className="min-w-0">
                <p className="text-sm font-medium text-slate-900">
                  {KIND_LABEL[s.kind]}
                  {s.id === current ? (
                    <span
                      className="ml-2 rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700"
                      data-testid="this-session"
                    >
                      This browser
                    </span>
                  ) : null}
                </p>
                <p className="truncate text-xs text-slate-500" title={s.userAgent ?? undefined}>
                  {shortAgent(s.userAgent)}
                  {s.ip ? ` · ${s.ip}` : ""}
                </p>
              </div>
              <p className="text-xs text-slate-500">
                Signed in <LocalTime iso={s.createdAt.toISOString()} /> · last active{" "}
                {formatRelative(s.lastSeenAt.toISOString(), now)}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
