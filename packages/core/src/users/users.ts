import { hashPassword, needsRehash, PASSWORD_HASHING, type PasswordHashing, verifyPassword } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import type { SessionUser } from "../companies/setup";

export interface AuthenticateOptions {
  /** The parameters hashes should have now (default OWASP's); tests pass cheaper ones explicitly. */
  hashing?: PasswordHashing;
}

/**
 * A user's identity and role, or null for an unknown email or a wrong password (the caller cannot
 * tell which). A correct password whose stored hash has other parameters is rehashed with `hashing`.
 */
export async function authenticateUser(
  db: Db,
  email: string,
  password: string,
  opts: AuthenticateOptions = {},
): Promise<SessionUser | null> {
  const hashing = opts.hashing ?? PASSWORD_HASHING;
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    include: { memberships: { orderBy: { createdAt: "asc" }, take: 1 } },
  });
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHash(hashing)));
  const membership = user?.memberships[0];
  if (!user || !valid || !membership) return null;
  if (needsRehash(user.passwordHash, hashing)) {
    const passwordHash = await hashPassword(password, hashing);
    // Only if unchanged meanwhile: a password set concurrently wins over this upgrade.
    await db.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
  }
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

// Checking unknown emails against a real hash, made like real ones, keeps response time from revealing which emails exist.
const dummies = new Map<string, Promise<string>>();
function dummyHash(hashing: PasswordHashing): Promise<string> {
  const id = `${hashing.N}$${hashing.r}$${hashing.p}`;
  let dummy = dummies.get(id);
  if (dummy === undefined) {
    dummy = hashPassword("keyward-unknown-user", hashing);
    dummies.set(id, dummy);
  }
  return dummy;
}
