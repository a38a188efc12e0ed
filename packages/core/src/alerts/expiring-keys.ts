// The keys an `expiring` rule warns about.
import type { Db } from "@keyward/db";
import type { ActiveAlertRule } from "./active-rules";

/** Keys a rule watches that expire (or end their rotation grace) within its `days`. */
export async function findExpiringKeys(
  db: Db,
  rule: Pick<ActiveAlertRule, "companyId" | "keyId" | "environment" | "days">,
  now = new Date(),
): Promise<{ id: string; expiresAt: Date }[]> {
  const horizon = new Date(now.getTime() + (rule.days ?? 0) * 86_400_000);
  const rows = await db.apiKey.findMany({
    where: {
      companyId: rule.companyId,
      revokedAt: null,
      ...(rule.keyId ? { id: rule.keyId } : {}),
      ...(rule.environment ? { environment: rule.environment } : {}),
      OR: [{ expiresAt: { gt: now, lte: horizon } }, { graceEndsAt: { gt: now, lte: horizon } }],
    },
    select: { id: true, expiresAt: true, graceEndsAt: true },
    take: 1000,
  });
  return rows.map((r) => {
    const ends = [r.expiresAt, r.graceEndsAt].filter((d): d is Date => d !== null && d > now);
    return { id: r.id, expiresAt: new Date(Math.min(...ends.map((d) => d.getTime()))) };
  });
}
