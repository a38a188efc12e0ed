// A company at a glance (the dashboard's Overview): its busiest keys over a window and the keys
// that stop working soon. The series itself is queryUsage's; refusals are the audit log's.
import { EXPIRING_WITHIN_MS, fingerprintOf } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { type PublicKey, toPublicKey } from "../keys/public-key";

export interface KeyTraffic {
  keyId: string;
  name: string;
  fingerprint: string;
  allowed: number;
  denied: number;
}

/** The company's keys with the most requests since `since`, busiest first (ties: the one with more refusals). */
export async function busiestKeys(db: Db, companyId: string, since: Date, limit = 5): Promise<KeyTraffic[]> {
  const rows = await db.$queryRaw<{ key_id: string; allowed: bigint; denied: bigint }[]>`
    SELECT key_id,
           SUM(count) FILTER (WHERE outcome = 'allowed')::bigint AS allowed,
           SUM(count) FILTER (WHERE outcome <> 'allowed')::bigint AS denied
    FROM usage_buckets
    WHERE company_id = ${companyId}::uuid AND minute >= ${since}::timestamptz
    GROUP BY key_id
    ORDER BY SUM(count) DESC, 3 DESC, key_id
    LIMIT ${limit}`;
  const keys = await db.apiKey.findMany({
    where: { companyId, id: { in: rows.map((r) => r.key_id) } },
    select: { id: true, name: true, hash: true },
  });
  const byId = new Map(keys.map((k) => [k.id, k]));
  return rows.flatMap((r) => {
    const key = byId.get(r.key_id);
    if (!key) return [];
    return [
      {
        keyId: key.id,
        name: key.name,
        fingerprint: fingerprintOf(key.hash),
        allowed: Number(r.allowed ?? 0),
        denied: Number(r.denied ?? 0),
      },
    ];
  });
}

/** Keys that still work but stop within the expiring window (an expiry, or a rotation's grace end), soonest first. */
export async function keysEndingSoon(db: Db, companyId: string, now = new Date(), limit = 10): Promise<PublicKey[]> {
  const soon = new Date(now.getTime() + EXPIRING_WITHIN_MS);
  const rows = await db.apiKey.findMany({
    where: {
      companyId,
      revokedAt: null,
      OR: [
        { expiresAt: { gt: now, lte: soon }, OR: [{ graceEndsAt: null }, { graceEndsAt: { gt: now } }] },
        { graceEndsAt: { gt: now, lte: soon } },
      ],
    },
  });
  const end = (key: PublicKey) => Date.parse(key.graceEndsAt ?? key.expiresAt ?? "");
  return rows
    .map((row) => toPublicKey(row, now))
    .sort((a, b) => end(a) - end(b))
    .slice(0, limit);
}
