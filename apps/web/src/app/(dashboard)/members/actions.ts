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
import { headers } from "next/headers";
import { z } from "zod";
import { authorize, type Refusal, refusalFrom, refuse, userActor } from "@/server/action-result";
import { getDb } from "@/server/db";
import { fieldErrors } from "@/server/form-errors";
import { canManageMembers } from "@/server/session";
import { emailInvite } from "./invite-email";

export type InviteResult = Refusal | { ok: true; email: string; inviteUrl: string; emailed: boolean };
export type MemberChangeResult = Refusal | { ok: true };

/** The dashboard's own origin, for the invite link the owner passes on. */
async function origin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto =
    h.get("x-forwarded-proto") ?? (host.startsWith("127.0.0.1") || host.startsWith("localhost") ? "http" : "https");
  return `${proto}://${host}`;
}

// The link carries the only copy of the token (the database keeps its hash): it is in this response only.
export async function inviteMemberAction(raw: { email: string; role: string }): Promise<InviteResult> {
  const { member, refusal } = await authorize(canManageMembers, "invite members (only owners can)");
  if (refusal) return refusal;
  const input = inviteInputSchema.safeParse({ email: String(raw?.email ?? "").trim(), role: raw?.role });
  if (!input.success) return refuse("Check the highlighted fields.", fieldErrors(input.error));
  try {
    const db = await getDb();
    const { invite, token } = await createInvite(db, member.companyId, input.data, await userActor(member));
    revalidatePath("/members");
    const inviteUrl = `${await origin()}/invite/${token}`;
    const company = await db.company.findUnique({ where: { id: member.companyId }, select: { name: true } });
    const emailed = await emailInvite(invite.email, inviteUrl, company?.name ?? "your company");
    return { ok: true, email: invite.email, inviteUrl, emailed };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function changeRoleAction(raw: { userId: string; role: string }): Promise<MemberChangeResult> {
  const { member, refusal } = await authorize(canManageMembers, "change roles (only owners can)");
  if (refusal) return refusal;
  const input = z.strictObject({ userId: z.uuid(), role: roleSchema }).safeParse(raw);
  if (!input.success) return refuse("Choose owner, admin or viewer.", fieldErrors(input.error));
  try {
    await changeMemberRole(
      await getDb(),
      member.companyId,
      input.data.userId,
      input.data.role,
      await userActor(member),
    );
    revalidatePath("/members");
    return { ok: true };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function removeMemberAction(raw: { userId: string }): Promise<MemberChangeResult> {
  const { member, refusal } = await authorize(canManageMembers, "remove members (only owners can)");
  if (refusal) return refusal;
  const input = z.strictObject({ userId: z.uuid() }).safeParse(raw);
  if (!input.success) return refuse("The member could not be read. Reload the page.");
  try {
    await removeMember(await getDb(), member.companyId, input.data.userId, await userActor(member));
    revalidatePath("/members");
    return { ok: true };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function revokeInviteAction(raw: { inviteId: string }): Promise<MemberChangeResult> {
  const { member, refusal } = await authorize(canManageMembers, "withdraw invites (only owners can)");
  if (refusal) return refusal;
  const input = z.strictObject({ inviteId: z.uuid() }).safeParse(raw);
  if (!input.success) return refuse("The invite could not be read. Reload the page.");
  try {
    await revokeInvite(await getDb(), member.companyId, input.data.inviteId, await userActor(member));
    revalidatePath("/members");
    return { ok: true };
  } catch (error) {
    return refusalFrom(error);
  }
}
