// Members of a company (docs/api.md#scopes, §5): who they are, their roles, removal. Only owners call these (the caller
// checks the role); the rule enforced here is the one no caller may break: a company always keeps
// at least one owner. Each change writes its audit event in the same transaction.
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { type Actor, appendAuditEvent, type Tx } from "../audit/append";
import { type Role, roleSchema } from "./roles";

/** A member as the dashboard shows them. */
export const publicMemberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: roleSchema,
  joinedAt: z.string(),
});

export type PublicMember = z.output<typeof publicMemberSchema>;

export async function listMembers(db: Db, companyId: string): Promise<PublicMember[]> {
  const rows = await db.membership.findMany({
    where: { companyId },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    role: m.role,
    joinedAt: m.createdAt.toISOString(),
  }));
}

/**
 * Locks the company's memberships and returns the target's; refuses a change that would leave the
 * company without an owner. The lock makes two owners demoting each other at once apply in turn.
 */
async function lockForChange(tx: Tx, companyId: string, userId: string, nextRole: Role | null) {
  await tx.$queryRaw`SELECT id FROM memberships WHERE company_id = ${companyId}::uuid FOR UPDATE`;
  const target = await tx.membership.findUnique({
    where: { companyId_userId: { companyId, userId } },
    include: { user: { select: { email: true } } },
  });
  if (!target) throw new KeywardError("NOT_FOUND", "Member not found");
  if (target.role === "owner" && nextRole !== "owner") {
    const owners = await tx.membership.count({ where: { companyId, role: "owner" } });
    if (owners <= 1) {
      throw new KeywardError(
        "CONFLICT",
        nextRole === null
          ? "The last owner cannot be removed. Make another member owner first."
          : "The last owner cannot be demoted. Make another member owner first.",
      );
    }
  }
  return target;
}

export async function changeMemberRole(
  db: Db,
  companyId: string,
  userId: string,
  nextRole: Role,
  actor: Actor,
): Promise<PublicMember> {
  const parsedRole = roleSchema.parse(nextRole);
  return db.$transaction(async (tx) => {
    const target = await lockForChange(tx, companyId, userId, parsedRole);
    if (target.role === parsedRole) {
      return { userId, email: target.user.email, role: target.role, joinedAt: target.createdAt.toISOString() };
    }
    const row = await tx.membership.update({ where: { id: target.id }, data: { role: parsedRole } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "member.role_changed",
      targetType: "user",
      targetId: userId,
      metadata: { email: target.user.email, from: target.role, to: parsedRole },
    });
    return { userId, email: target.user.email, role: row.role, joinedAt: row.createdAt.toISOString() };
  });
}

/** Removes a member from the company; their account stays, without access to it. */
export async function removeMember(db: Db, companyId: string, userId: string, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const target = await lockForChange(tx, companyId, userId, null);
    await tx.membership.delete({ where: { id: target.id } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "member.removed",
      targetType: "user",
      targetId: userId,
      metadata: { email: target.user.email, role: target.role },
    });
  });
}
