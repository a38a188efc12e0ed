import { companiesOf, countUnseenAlerts, type SessionUser } from "@keyward/core";
import { cookies } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { CompanySwitcher, type SwitcherCompany } from "@/components/company-switcher";
import { ROLE_LABEL } from "@/components/labels";
import { Logo } from "@/components/logo";
import { NavLink } from "@/components/nav-link";
import { THEME_COOKIE, themeOf } from "@/components/theme";
import { ThemeSelect } from "@/components/theme-select";
import { getDb } from "@/server/db";
import { logout } from "@/server/logout";
import { currentUserIsOperator, requireMember } from "@/server/session";

function MainNav({ unseenAlerts, operator }: { unseenAlerts: number; operator: boolean }) {
  return (
    <>
      <NavLink href="/overview">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M3 17V9h3v8H3Zm5.5 0V3h3v14h-3ZM14 17v-5h3v5h-3Z" />
        </svg>
        Overview
      </NavLink>
      <NavLink href="/keys">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path
            fillRule="evenodd"
            d="M8 7a5 5 0 1 1 3.61 4.804l-1.903 1.903A1 1 0 0 1 9 14H8v1a1 1 0 0 1-1 1H6v1a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1v-2a1 1 0 0 1 .293-.707L8.196 8.39A5.002 5.002 0 0 1 8 7Zm5-3a.75.75 0 0 0 0 1.5A1.5 1.5 0 0 1 14.5 7 .75.75 0 0 0 16 7a3 3 0 0 0-3-3Z"
            clipRule="evenodd"
          />
        </svg>
        API keys
      </NavLink>
      <NavLink href="/audit">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M4 3a1 1 0 0 0-1 1v12a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V4a1 1 0 0 0-1-1H4Zm2 3h8v1.5H6V6Zm0 3.25h8v1.5H6v-1.5Zm0 3.25h5V14H6v-1.5Z" />
        </svg>
        Audit log
      </NavLink>
      <NavLink href="/alerts">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M10 2a6 6 0 0 0-6 6v3.59l-1.7 1.7A1 1 0 0 0 3 15h14a1 1 0 0 0 .7-1.7L16 11.58V8a6 6 0 0 0-6-6Zm0 16a2.5 2.5 0 0 1-2.45-2h4.9A2.5 2.5 0 0 1 10 18Z" />
        </svg>
        Alerts
        {unseenAlerts > 0 ? (
          <span
            className="ml-auto rounded-full bg-indigo-600 px-1.5 py-0.5 text-xs font-semibold text-white"
            data-testid="alerts-badge"
          >
            <span className="sr-only">, unseen: </span>
            {unseenAlerts > 99 ? "99+" : unseenAlerts}
          </span>
        ) : null}
      </NavLink>
      <NavLink href="/members">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M7 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM14.5 9a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5ZM1.6 15.8A5.5 5.5 0 0 1 12.4 15.8 1 1 0 0 1 11.5 17h-9a1 1 0 0 1-.9-1.2ZM14 16.5c.1-.4.1-.8 0-1.2a6.9 6.9 0 0 0-1.6-3.9A4 4 0 0 1 18.4 15a1 1 0 0 1-.9 1.5H14Z" />
        </svg>
        Members
      </NavLink>
      <NavLink href="/settings">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path
            fillRule="evenodd"
            d="M8.3 2.2a1 1 0 0 1 1-.7h1.4a1 1 0 0 1 1 .7l.3 1.2c.4.2.8.4 1.2.7l1.2-.4a1 1 0 0 1 1.2.4l.7 1.2a1 1 0 0 1-.2 1.3l-.9.8v1.4l.9.8a1 1 0 0 1 .2 1.3l-.7 1.2a1 1 0 0 1-1.2.4l-1.2-.4c-.4.3-.8.5-1.2.7l-.3 1.2a1 1 0 0 1-1 .7H9.3a1 1 0 0 1-1-.7L8 13.9c-.4-.2-.8-.4-1.2-.7l-1.2.4a1 1 0 0 1-1.2-.4l-.7-1.2a1 1 0 0 1 .2-1.3l.9-.8V8.5l-.9-.8a1 1 0 0 1-.2-1.3l.7-1.2a1 1 0 0 1 1.2-.4l1.2.4c.4-.3.8-.5 1.2-.7l.3-1.2ZM10 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z"
            clipRule="evenodd"
          />
        </svg>
        Settings
      </NavLink>
      {operator ? (
        <NavLink href="/companies">
          <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
            <path d="M3 17V4a1 1 0 0 1 1-1h7a1 1 0 0 1 1 1v3h4a1 1 0 0 1 1 1v9h1v1.5H2V17h1Zm2-11.5V7h2V5.5H5Zm4 0V7h1.5V5.5H9ZM5 9v1.5h2V9H5Zm4 0v1.5h1.5V9H9Zm-4 3.5V14h2v-1.5H5Zm4 0V14h1.5v-1.5H9Zm4-3.5v1.5h2V9h-2Zm0 3.5V14h2v-1.5h-2Z" />
          </svg>
          Companies
        </NavLink>
      ) : null}
      {/* The installation's own pages, for its operators only (anyone else gets their 404 page). */}
      {operator ? (
        <NavLink href="/operator-keys">
          <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
            <path d="M10 1.5 3 4.5v5c0 4.2 2.9 7.6 7 9 4.1-1.4 7-4.8 7-9v-5l-7-3Zm0 4.5a2.5 2.5 0 0 1 .75 4.89V14h-1.5v-3.11A2.5 2.5 0 0 1 10 6Z" />
          </svg>
          Operator keys
        </NavLink>
      ) : null}
    </>
  );
}

/**
 * The switcher's companies: the user's own (suspended ones shown, not selectable), and the one an
 * operator opened by operator authority (other companies are reached through the Companies page).
 */
function switcherCompanies(
  member: SessionUser,
  currentName: string,
  memberships: Awaited<ReturnType<typeof companiesOf>>,
): SwitcherCompany[] {
  const own = memberships.map((c) => ({
    id: c.id,
    name: c.name,
    detail: c.suspended ? "suspended" : ROLE_LABEL[c.role],
    suspended: c.suspended,
  }));
  if (own.some((c) => c.id === member.companyId)) return own;
  return [{ id: member.companyId, name: currentName, detail: "Operator", suspended: false }, ...own];
}

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const member = await requireMember();
  const db = await getDb();
  const [company, unseenAlerts, memberships, operator] = await Promise.all([
    db.company.findUnique({ where: { id: member.companyId }, select: { name: true } }),
    countUnseenAlerts(db, member.companyId),
    companiesOf(db, member.id),
    currentUserIsOperator(),
  ]);
  const theme = themeOf((await cookies()).get(THEME_COOKIE)?.value);
  const switchable = switcherCompanies(member, company?.name ?? "—", memberships);
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-slate-100/60 px-4 py-5 md:flex">
        <Logo />
        <div className="mt-6 rounded-lg bg-white px-3 py-2 shadow-sm ring-1 ring-slate-200">
          <p className="text-xs text-slate-500">Company</p>
          <p className="truncate text-sm font-semibold text-slate-900" data-testid="company-name">
            {company?.name ?? "—"}
          </p>
        </div>
        <nav aria-label="Main" className="mt-6 space-y-1">
          <MainNav unseenAlerts={unseenAlerts} operator={operator} />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex min-h-14 flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-4 py-2 sm:px-8">
          <span className="md:hidden">
            <Logo />
          </span>
          {/* One company and no operator: nothing to switch to (the sidebar names it). */}
          {switchable.length > 1 || operator ? (
            <CompanySwitcher current={member.companyId} companies={switchable} />
          ) : (
            <span className="hidden text-sm text-slate-500 md:block">{company?.name}</span>
          )}
          <div className="flex items-center gap-3">
            <span className="hidden text-sm text-slate-700 sm:inline" data-testid="user-email">
              {member.email}
            </span>
            <Link
              href="/account"
              className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
              data-testid="account-link"
            >
              Account
            </Link>
            <span
              className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600"
              data-testid="user-role"
            >
              {ROLE_LABEL[member.role]}
            </span>
            {member.viaOperator ? (
              <span
                className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
                data-testid="via-operator"
              >
                As operator
              </span>
            ) : null}
            <ThemeSelect initial={theme} />
            <form action={logout}>
              <button
                type="submit"
                className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
              >
                Log out
              </button>
            </form>
          </div>
        </header>
        <nav
          aria-label="Main (small screens)"
          className="flex flex-wrap gap-1 border-b border-slate-200 bg-slate-50 px-2 py-2 whitespace-nowrap md:hidden"
        >
          <MainNav unseenAlerts={unseenAlerts} operator={operator} />
        </nav>
        <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 sm:px-8">{children}</main>
      </div>
    </div>
  );
}
