import { hashPassword, verifyPassword } from "@keyward/auth-core";
import type { Db } from "../client";
import type { SessionUser } from "./companies";

/** A user's identity and role, or null for an unknown email or a wrong password (the caller cannot tell which). */
export async function authenticateUser(db: Db, email: string, password: string): Promise<SessionUser | null> {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    include: { memberships: { orderBy: { createdAt: "asc" }, take: 1 } },
  });
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  const membership = user?.memberships[0];
  if (!user || !valid || !membership) return null;
  return { id: user.id, email: user.email, companyId: membership.companyId, role: membership.role };
}

/** The current role of a user in a company, read fresh for every mutation (a JWT session can be stale). */
export async function findMembership(db: Db, userId: string, companyId: string): Promise<SessionUser | null> {
  const m = await db.membership.findUnique({
    where: { companyId_userId: { companyId, userId } },
    include: { user: { select: { email: true } } },
  });
  return m ? { id: m.userId, email: m.user.email, companyId: m.companyId, role: m.role } : null;
}

// Checking unknown emails against a real hash keeps response time from revealing which emails exist.
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword("keyward-unknown-user");
  return dummy;
}
