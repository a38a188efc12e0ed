import { hashPassword, needsRehash, PASSWORD_HASHING, type PasswordHashing, verifyPassword } from "@keyward/auth-core";
import type { Db, Role } from "@keyward/db";
import type { SessionUser } from "../companies/setup";
import { isUuid } from "../ids";

export interface AuthenticateOptions {
  /** The parameters hashes should have now (default OWASP's); tests pass cheaper ones explicitly. */
  hashing?: PasswordHashing;
  /** The company to sign in to (id or name); default the user's first that is not suspended. */
  company?: string;
}

/** `refused`: unknown email, wrong password or no such company of theirs (the caller cannot tell which). */
export type UserCheck = { ok: true; user: SessionUser } | { ok: false; reason: "refused" | "suspended" };

const REFUSED: UserCheck = { ok: false, reason: "refused" };

/**
 * A user's identity and role in the company they sign in to. A correct password whose stored hash
 * has other parameters is rehashed with `hashing`. A suspended company is said to be suspended only
 * after the password was right.
 */
export async function authenticateUser(
  db: Db,
  email: string,
  password: string,
  opts: AuthenticateOptions = {},
): Promise<UserCheck> {
  const hashing = opts.hashing ?? PASSWORD_HASHING;
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHash(hashing)));
  if (!user || !valid) return REFUSED;
  if (needsRehash(user.passwordHash, hashing)) {
    const passwordHash = await hashPassword(password, hashing);
    // Only if unchanged meanwhile: a password set concurrently wins over this upgrade.
    await db.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
  }
  const companies = await companiesOf(db, user.id);
  let chosen: UserCompany | undefined;
  if (opts.company === undefined) {
    chosen = companies.find((c) => !c.suspended) ?? companies[0];
  } else {
    const named = opts.company;
    chosen = companies.find((c) => c.id === named) ?? onlyOne(companies.filter((c) => c.name === named));
    if (chosen === undefined && user.operator) chosen = await anyCompany(db, named);
  }
  if (chosen === undefined && user.operator && opts.company === undefined) {
    // An operator who belongs to no company opens the oldest one.
    const first = await db.company.findFirst({ orderBy: { createdAt: "asc" }, select: { id: true } });
    if (first) chosen = await anyCompany(db, first.id);
  }
  if (chosen === undefined) return REFUSED;
  if (chosen.suspended) return { ok: false, reason: "suspended" };
  return {
    ok: true,
    user: {
      id: user.id,
      email: user.email,
      companyId: chosen.id,
      role: chosen.role,
      ...(chosen.viaOperator ? { viaOperator: true } : {}),
    },
  };
}

/** A company a user can act in: by membership, or (an operator) by operator authority as its owner. */
export interface UserCompany {
  id: string;
  name: string;
  role: Role;
  suspended: boolean;
  viaOperator?: boolean;
}

/** The companies a user is a member of, in the order they joined (GET /v1/me, the company switcher). */
export async function companiesOf(db: Db, userId: string): Promise<UserCompany[]> {
  const rows = await db.membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    include: { company: { select: { name: true, suspendedAt: true } } },
  });
  return rows.map((m) => ({
    id: m.companyId,
    name: m.company.name,
    role: m.role,
    suspended: m.company.suspendedAt !== null,
  }));
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** Any company by id or unique name, as an operator opens it: with owner rights. */
async function anyCompany(db: Db, idOrName: string): Promise<UserCompany | undefined> {
  const rows = await db.company.findMany({
    where: isUuid(idOrName) ? { OR: [{ id: idOrName }, { name: idOrName }] } : { name: idOrName },
    select: { id: true, name: true, suspendedAt: true },
    take: 2,
  });
  const company = rows.find((c) => c.id === idOrName) ?? onlyOne(rows);
  return company
    ? { id: company.id, name: company.name, role: "owner", suspended: company.suspendedAt !== null, viaOperator: true }
    : undefined;
}

/**
 * The current role of a user in a company, read fresh for every mutation (a JWT session can be
 * stale): their membership, or owner rights for an operator who is not a member. Null when they may
 * not act there, including in a suspended company.
 */
export async function findMembership(db: Db, userId: string, companyId: string): Promise<SessionUser | null> {
  if (!isUuid(companyId)) return null;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      email: true,
      operator: true,
      memberships: { where: { companyId }, select: { role: true } },
    },
  });
  if (!user) return null;
  const company = await db.company.findUnique({ where: { id: companyId }, select: { suspendedAt: true } });
  if (!company || company.suspendedAt !== null) return null;
  const role = user.memberships[0]?.role;
  if (role !== undefined) return { id: userId, email: user.email, companyId, role };
  return user.operator ? { id: userId, email: user.email, companyId, role: "owner", viaOperator: true } : null;
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
