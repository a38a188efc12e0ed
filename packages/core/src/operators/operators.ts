// Operators run the installation (docs/companies.md). Host access is the authority that makes one
// (`keyward operators grant|revoke`, like `setup`); nothing reachable over the network can.
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { emailSchema } from "../companies/create";

/** Makes the user with this email an operator, or stops them being one; returns whether anything changed. */
export async function setOperator(db: Db, email: string, operator: boolean): Promise<boolean> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) throw new KeywardError("VALIDATION_FAILED", "Not an email address");
  const user = await db.user.findUnique({ where: { email: parsed.data }, select: { id: true, operator: true } });
  if (!user) throw new KeywardError("NOT_FOUND", `No user with the email ${parsed.data}`);
  if (user.operator === operator) return false;
  await db.user.update({ where: { id: user.id }, data: { operator } });
  return true;
}

export async function isOperator(db: Db, userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { operator: true } });
  return user?.operator === true;
}

export async function listOperators(db: Db): Promise<{ id: string; email: string }[]> {
  return db.user.findMany({
    where: { operator: true },
    select: { id: true, email: true },
    orderBy: { createdAt: "asc" },
  });
}
