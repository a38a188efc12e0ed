import { findMembership, type SessionUser } from "@keyward/core";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { getDb } from "@/server/db";

/**
 * The signed-in user as the database sees them now, or null. The JWT only says who they are;
 * their company and role are re-read so a removed member or a changed role takes effect at once.
 */
export const currentMember = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const user = session?.user;
  if (!user?.id || !user.companyId) return null;
  return findMembership(await getDb(), user.id, user.companyId);
});

/** For pages behind the login: the member, or a redirect to /login. */
export async function requireMember(): Promise<SessionUser> {
  const member = await currentMember();
  if (!member) redirect("/login");
  return member;
}

export function canManageKeys(member: SessionUser): boolean {
  return member.role === "owner" || member.role === "admin";
}

/** Only owners invite, re-role or remove members (docs/api.md#scopes). */
export function canManageMembers(member: SessionUser): boolean {
  return member.role === "owner";
}
