import { checkSession, findMembership, isOperator, isUuid, type SessionUser } from "@keyward/core";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { getDb } from "@/server/db";

/**
 * The signed-in user as the database sees them now, or null. The JWT only says who they are;
 * their server-side session must still be live (not signed out everywhere, no password change
 * since), and their company and role are re-read so a removed member or a changed role takes
 * effect at once.
 */
export const currentMember = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const user = session?.user;
  if (!user?.id || !user.companyId || !user.sessionId) return null;
  const db = await getDb();
  if (!(await checkSession(db, user.sessionId, user.id))) return null;
  return findMembership(db, user.id, user.companyId);
});

/** The id of this browser's server-side session (for the account page), once currentMember passed. */
export async function currentSessionId(): Promise<string | null> {
  return (await auth())?.user?.sessionId || null;
}

/**
 * Why a signed-in session has no member: its company was suspended (the dashboard says so), or
 * anything else (the membership was removed, the company deleted: "sign in again").
 */
export async function sessionRefusal(): Promise<"suspended" | "signed-out"> {
  const companyId = (await auth())?.user?.companyId;
  if (!companyId || !isUuid(companyId)) return "signed-out";
  const company = await (await getDb()).company.findUnique({ where: { id: companyId }, select: { suspendedAt: true } });
  return company?.suspendedAt ? "suspended" : "signed-out";
}

/** What the login page says above its form when a session was refused because its company is suspended. */
export const SUSPENDED_MESSAGE = "This company is suspended. Ask the operator of this Keyward to resume it.";

/** For pages behind the login: the member, or a redirect to /login (saying so when the company is suspended). */
export async function requireMember(): Promise<SessionUser> {
  const member = await currentMember();
  if (!member) redirect((await sessionRefusal()) === "suspended" ? "/login?suspended=1" : "/login");
  return member;
}

/** Whether the signed-in user is an operator of this installation (read fresh, like the role). */
export const currentUserIsOperator = cache(async (): Promise<boolean> => {
  const member = await currentMember();
  return member ? isOperator(await getDb(), member.id) : false;
});

/** For the operator's pages: the member, who must be an operator; anyone else gets the 404 page. */
export async function requireOperator(): Promise<SessionUser> {
  const member = await requireMember();
  if (!(await currentUserIsOperator())) notFound();
  return member;
}

export function canManageKeys(member: SessionUser): boolean {
  return member.role === "owner" || member.role === "admin";
}

/** Only owners invite, re-role or remove members (docs/api.md#scopes). */
export function canManageMembers(member: SessionUser): boolean {
  return member.role === "owner";
}
