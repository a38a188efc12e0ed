"use server";

import {
  changeMemberRole,
  createInvite,
  inviteInputSchema,
  removeMember,
  revokeInvite,
  roleSchema,
} from "@keyward/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { fieldErrors } from "@/server/form-errors";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { dashboardOrigin } from "@/server/origin";
import { canManageMembers } from "@/server/session";
import { emailInvite } from "./invite-email";

export type InviteResult = Refusal | { ok: true; email: string; inviteUrl: string; emailed: boolean };
export type MemberChangeResult = Refusal | { ok: true };

// The link carries the only copy of the token (the database keeps its hash): it is in this response only.
export const inviteMemberAction = memberAction(
  {
    allowed: canManageMembers,
    cannot: "invite members (only owners can)",
    // The form's email, trimmed, then the invite's own schema.
    input: z.strictObject({ email: z.string().trim(), role: z.string() }).pipe(inviteInputSchema),
  },
  async ({ db, member, input, actor }) => {
    const { invite, token } = await createInvite(db, member.companyId, input, actor);
    revalidatePath("/members");
    const inviteUrl = `${await dashboardOrigin()}/invite/${token}`;
    const company = await db.company.findUnique({ where: { id: member.companyId }, select: { name: true } });
    const emailed = await emailInvite(invite.email, inviteUrl, company?.name ?? "your company");
    return { ok: true, email: invite.email, inviteUrl, emailed };
  },
);

export const changeRoleAction = memberAction(
  {
    allowed: canManageMembers,
    cannot: "change roles (only owners can)",
    input: z.strictObject({ userId: z.uuid(), role: roleSchema }),
    invalid: (error) => refuse("Choose owner, admin or viewer.", fieldErrors(error)),
  },
  async ({ db, member, input, actor }) => {
    await changeMemberRole(db, member.companyId, input.userId, input.role, actor);
    revalidatePath("/members");
    return { ok: true };
  },
);

export const removeMemberAction = memberAction(
  {
    allowed: canManageMembers,
    cannot: "remove members (only owners can)",
    input: z.strictObject({ userId: z.uuid() }),
    invalid: "The member could not be read. Reload the page.",
  },
  async ({ db, member, input, actor }) => {
    await removeMember(db, member.companyId, input.userId, actor);
    revalidatePath("/members");
    return { ok: true };
  },
);

export const revokeInviteAction = memberAction(
  {
    allowed: canManageMembers,
    cannot: "withdraw invites (only owners can)",
    input: z.strictObject({ inviteId: z.uuid() }),
    invalid: "The invite could not be read. Reload the page.",
  },
  async ({ db, member, input, actor }) => {
    await revokeInvite(db, member.companyId, input.inviteId, actor);
    revalidatePath("/members");
    return { ok: true };
  },
);
