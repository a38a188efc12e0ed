import type { Db } from "@keyward/db";

/** Changes since `since` (the key-change log every replica polls), oldest first. */
export async function keyChangesSince(
  db: Db,
  since: Date,
  limit = 1000,
): Promise<{ id: bigint; keyId: string; createdAt: Date }[]> {
  return db.keyChange.findMany({ where: { createdAt: { gt: since } }, orderBy: { id: "asc" }, take: limit });
}
