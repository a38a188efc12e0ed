import type { Db } from "@keyward/db";
import type { Tx } from "../audit/append";

/** Changes since `since` (the key-change log every replica polls), oldest first. */
export async function keyChangesSince(
  db: Db,
  since: Date,
  limit = 1000,
): Promise<{ id: bigint; keyId: string; createdAt: Date }[]> {
  return db.keyChange.findMany({ where: { createdAt: { gt: since } }, orderBy: { id: "asc" }, take: limit });
}

/**
 * Logs a change of every key of a company (suspended, resumed, deleted) in `tx`, so each replica
 * drops them from its cache within a poll; returns their ids for the caller to announce at once.
 */
export async function logCompanyKeyChanges(tx: Tx, companyId: string): Promise<string[]> {
  const keys = await tx.apiKey.findMany({ where: { companyId }, select: { id: true } });
  const ids = keys.map((k) => k.id);
  if (ids.length > 0) await tx.keyChange.createMany({ data: ids.map((keyId) => ({ keyId })) });
  return ids;
}
