"use server";

import { findMembership } from "@keyward/core";
import { redirect } from "next/navigation";
import { z } from "zod";
import { auth, updateSession } from "@/auth";
import { getDb } from "@/server/db";

export interface SwitchCompanyState {
  error: string | null;
}

/**
 * Moves the session to another company (the company switcher, the Companies page's Open): the
 * right is checked here (a membership, or an operator's owner rights), and again on every request.
 */
export async function switchCompany(_previous: SwitchCompanyState, formData: FormData): Promise<SwitchCompanyState> {
  const companyId = z.uuid().safeParse(formData.get("companyId"));
  if (!companyId.success) return { error: "Choose a company." };
  const userId = (await auth())?.user?.id;
  if (!userId) redirect("/login");
  const db = await getDb();
  const member = await findMembership(db, userId, companyId.data);
  if (!member) {
    const company = await db.company.findUnique({ where: { id: companyId.data }, select: { suspendedAt: true } });
    // Only someone who could open it otherwise learns that it is suspended.
    const couldOpen = company?.suspendedAt && (await mayOpenWhenActive(userId, companyId.data));
    return { error: couldOpen ? "This company is suspended." : "You cannot open this company." };
  }
  await updateSession({ user: { companyId: member.companyId, role: member.role } });
  redirect("/keys");
}

async function mayOpenWhenActive(userId: string, companyId: string): Promise<boolean> {
  const db = await getDb();
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { operator: true, memberships: { where: { companyId }, select: { role: true } } },
  });
  return Boolean(user && (user.operator || user.memberships.length > 0));
}
