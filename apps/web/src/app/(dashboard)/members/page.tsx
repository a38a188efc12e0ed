import { listMembers, listPendingInvites } from "@keyward/core";
import type { Metadata } from "next";
import { ROLE_LABEL } from "@/components/labels";
import { LocalTime } from "@/components/local-time";
import { card } from "@/components/styles";
import { getDb } from "@/server/db";
import { canManageMembers, requireMember } from "@/server/session";
import { InviteForm, RemoveMemberButton, RevokeInviteButton, RoleForm } from "./member-forms";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const member = await requireMember();
  const db = await getDb();
  const [members, invites] = await Promise.all([
    listMembers(db, member.companyId),
    listPendingInvites(db, member.companyId),
  ]);
  const manage = canManageMembers(member);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Members</h1>
        <p className="mt-1 text-sm text-slate-500">
          {manage
            ? "People who can sign in to this dashboard. Owners manage members; admins manage keys; viewers look."
            : "People who can sign in to this dashboard. Only owners can invite, change roles or remove members."}
        </p>
      </div>

      {manage ? (
        <section aria-labelledby="invite-heading" className={`${card} p-5`}>
          <h2 id="invite-heading" className="mb-3 text-base font-semibold text-slate-900">
            Invite a member
          </h2>
          <InviteForm />
        </section>
      ) : null}

      <section aria-labelledby="members-heading" className={`${card} overflow-hidden`}>
        <h2 id="members-heading" className="border-b border-slate-200 px-5 py-3 text-base font-semibold text-slate-900">
          {members.length} {members.length === 1 ? "member" : "members"}
        </h2>
        <ul className="divide-y divide-slate-100" data-testid="members-list">
          {members.map((m) => (
            <li
              key={m.userId}
              className="flex flex-wrap items-center justify-between gap-3 px-5 py-3"
              data-testid="member-row"
              data-email={m.email}
            >
              <div className="min-w-0">
                <p className="truncate font-medium text-slate-900">
                  {m.email}
                  {m.userId === member.id ? (
                    <span className="ml-2 text-xs font-normal text-slate-500">(you)</span>
                  ) : null}
                </p>
                <p className="text-xs text-slate-500">
                  Joined <LocalTime iso={m.joinedAt} dateOnly />
                </p>
              </div>
              {manage ? (
                <div className="flex flex-wrap items-center gap-2">
                  <RoleForm userId={m.userId} email={m.email} role={m.role} />
                  <RemoveMemberButton userId={m.userId} email={m.email} />
                </div>
              ) : (
                <span
                  className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
                  data-testid="member-role"
                >
                  {ROLE_LABEL[m.role]}
                </span>
              )}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="invites-heading" className={`${card} overflow-hidden`}>
        <h2 id="invites-heading" className="border-b border-slate-200 px-5 py-3 text-base font-semibold text-slate-900">
          Pending invites
        </h2>
        {invites.length === 0 ? (
          <p className="px-5 py-6 text-sm text-slate-500" data-testid="invites-empty">
            No pending invites.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {invites.map((i) => (
              <li
                key={i.id}
                className="flex flex-wrap items-center justify-between gap-3 px-5 py-3"
                data-testid="invite-row"
              >
                <div>
                  <p className="font-medium text-slate-900">{i.email}</p>
                  <p className="text-xs text-slate-500">
                    {ROLE_LABEL[i.role]} · expires <LocalTime iso={i.expiresAt} />
                  </p>
                </div>
                {manage ? <RevokeInviteButton inviteId={i.id} email={i.email} /> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
