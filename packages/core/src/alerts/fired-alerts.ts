// Reading a company's fired alerts, and marking them seen (the dashboard's badge counts the others).
import type { AlertDelivery, Db, Prisma } from "@keyward/db";
import { isoOrNull } from "../public-time";
import {
  type AlertPayload,
  type DeliveryStatus,
  deliveryStatusOf,
  type PublicAlert,
  type PublicAlertDelivery,
} from "./public-alert";
import type { ListAlertsQuery } from "./schemas";

function toPublicDelivery(d: AlertDelivery): PublicAlertDelivery {
  return {
    id: d.id,
    channelType: d.channelType,
    target: d.target,
    attempt: d.attempt,
    status: d.status as DeliveryStatus,
    responseStatus: d.responseStatus,
    error: d.error,
    attemptedAt: d.attemptedAt.toISOString(),
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
  };
}

export async function listAlerts(
  db: Db,
  companyId: string,
  query: ListAlertsQuery,
): Promise<{ data: PublicAlert[]; nextCursor: string | null }> {
  const where: Prisma.AlertWhereInput = { companyId };
  if (query.ruleId) where.ruleId = query.ruleId;
  if (query.keyId) where.keyId = query.keyId;
  if (query.unseen !== undefined) where.seenAt = query.unseen ? null : { not: null };
  if (query.cursor) where.id = { lt: query.cursor };
  const rows = await db.alert.findMany({
    where,
    orderBy: { id: "desc" },
    take: query.limit + 1,
    include: { deliveries: { orderBy: [{ attempt: "asc" }, { id: "asc" }] }, rule: { select: { kind: true } } },
  });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map((row) => {
      const deliveries = row.deliveries.map(toPublicDelivery);
      return {
        id: row.id,
        ruleId: row.ruleId,
        kind: row.rule.kind,
        keyId: row.keyId,
        count: row.count,
        windowStart: row.windowStart.toISOString(),
        windowEnd: row.windowEnd.toISOString(),
        firedAt: row.firedAt.toISOString(),
        seenAt: isoOrNull(row.seenAt),
        deliveryStatus: deliveryStatusOf(deliveries),
        payload: row.payload as unknown as AlertPayload,
        deliveries,
      };
    }),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function countUnseenAlerts(db: Db, companyId: string): Promise<number> {
  return db.alert.count({ where: { companyId, seenAt: null } });
}

/** Marks the company's alerts fired up to now as seen (the dashboard's badge counts the others). */
export async function markAlertsSeen(db: Db, companyId: string, now = new Date()): Promise<number> {
  const { count } = await db.alert.updateMany({
    where: { companyId, seenAt: null, firedAt: { lte: now } },
    data: { seenAt: now },
  });
  return count;
}
