import type { Db } from "@keyward/db";
import type { Tx } from "../audit/append";

/** One row of the key-change log: a company key's change names its company; a session's or operator key's has none. */
export interface LoggedKeyChange {
  id: bigint;
  keyId: string;
  companyId: string | null;
  createdAt: Date;
}

/** Changes since `since` (the key-change log every replica polls), oldest first. */
export async function keyChangesSince(db: Db, since: Date, limit = 1000): Promise<LoggedKeyChange[]> {
  return db.keyChange.findMany({ where: { createdAt: { gt: since } }, orderBy: { id: "asc" }, take: limit });
}

/**
 * Changes of company keys made at or after `from`, oldest first, for a key-change stream that resumes:
 * one company's (`companyId`), or every company's (an operator's stream, `companyId` undefined).
 * Sessions and operator keys (no company) are never among them.
 */
export async function companyKeyChangesFrom(
  db: Db,
  companyId: string | undefined,
  from: Date,
  limit: number,
): Promise<LoggedKeyChange[]> {
  return db.keyChange.findMany({
    where: { companyId: companyId ?? { not: null }, createdAt: { gte: from } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit,
  });
}

/**
 * Logs a change of every key of a company (suspended, resumed, deleted) in `tx`, so each replica
 * drops them from its cache within a poll; returns their ids for the caller to announce at once.
 */
export async function logCompanyKeyChanges(tx: Tx, companyId: string): Promise<string[]> {
  const keys = await tx.apiKey.findMany({ where: { companyId }, select: { id: true } });
  const ids = keys.map((k) => k.id);
  if (ids.length > 0) await tx.keyChange.createMany({ data: ids.map((keyId) => ({ keyId, companyId })) });
  return ids;
}
