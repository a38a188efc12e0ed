// The delivery attempts of fired alerts: claimed by one worker at a time, fairly across companies,
// and their outcomes, each retry its own row.
import type { Db } from "@keyward/db";
import { type StoredChannel, storedChannels } from "./channels";
import type { AlertPayload } from "./public-alert";

export interface DueDelivery {
  id: string;
  alertId: string;
  companyId: string;
  channelType: "webhook" | "email";
  target: string;
  attempt: number;
  payload: AlertPayload;
  /** The rule's channel that matches the target now (null when it was removed since). */
  channel: StoredChannel | null;
}

/** How many attempts each company may have in flight, and how many this worker has now. */
export interface DeliveryFairness {
  perCompany: number;
  inFlight: ReadonlyMap<string, number>;
}

/**
 * Takes up to `limit` due attempts for this worker, marked `sending` in the statement that picks
 * them. Round-robin by company: every company's oldest due attempt comes before anyone's second,
 * and a company never gets more than `fairness.perCompany` in flight here, so one company's slow
 * receivers cannot take every slot. The UPDATE checks `status = 'pending'` again on the row it
 * locks, so when two replicas pick the same attempt only the first one gets it. With `staleMs`, an
 * attempt left `sending` that long (its process died mid-send) is made due again first.
 */
export async function claimDueDeliveries(
  db: Db,
  limit: number,
  staleMs: number | null,
  fairness: DeliveryFairness = { perCompany: limit, inFlight: new Map() },
): Promise<DueDelivery[]> {
  if (staleMs !== null)
    await db.$executeRaw`
    UPDATE alert_deliveries SET status = 'pending'
    WHERE status = 'sending' AND attempted_at < now() - make_interval(secs => ${staleMs / 1000})`;
  const busy = [...fairness.inFlight];
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE alert_deliveries SET status = 'sending', attempted_at = now()
    WHERE status = 'pending' AND id IN (
      SELECT id FROM (
        SELECT d.id, d.next_attempt_at,
               row_number() OVER (PARTITION BY a.company_id ORDER BY d.next_attempt_at, d.id)
                 + coalesce(busy.n, 0) AS place
        FROM alert_deliveries d
        JOIN alerts a ON a.id = d.alert_id
        LEFT JOIN unnest(${busy.map(([company]) => company)}::uuid[], ${busy.map(([, n]) => n)}::int[])
               AS busy(company_id, n) ON busy.company_id = a.company_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()) ranked
      WHERE place <= ${fairness.perCompany}
      ORDER BY place, next_attempt_at
      LIMIT ${limit})
    RETURNING id::text AS id`;
  if (claimed.length === 0) return [];
  const rows = await db.alertDelivery.findMany({
    where: { id: { in: claimed.map((c) => c.id) } },
    include: { alert: { include: { rule: { select: { channels: true } } } } },
  });
  return rows.map((row) => {
    const channels = storedChannels(row.alert.rule);
    const channel =
      channels.find((c) =>
        c.type === "webhook"
          ? row.channelType === "webhook" && c.url === row.target
          : row.channelType === "email" && c.to.join(", ") === row.target,
      ) ?? null;
    return {
      id: row.id,
      alertId: row.alertId,
      companyId: row.alert.companyId,
      channelType: row.channelType as "webhook" | "email",
      target: row.target,
      attempt: row.attempt,
      payload: row.alert.payload as unknown as AlertPayload,
      channel,
    };
  });
}

/** Records an attempt's outcome; a failure with `retryAt` queues the next attempt as its own row. */
export async function recordDeliveryOutcome(
  db: Db,
  delivery: Pick<DueDelivery, "id" | "alertId" | "channelType" | "target" | "attempt">,
  outcome: { ok: boolean; responseStatus?: number | null; error?: string | null; retryAt?: Date | null },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.alertDelivery.update({
      where: { id: delivery.id },
      data: {
        status: outcome.ok ? "succeeded" : "failed",
        responseStatus: outcome.responseStatus ?? null,
        error: outcome.error ? outcome.error.slice(0, 500) : null,
        nextAttemptAt: outcome.ok ? null : (outcome.retryAt ?? null),
      },
    });
    if (!outcome.ok && outcome.retryAt) {
      await tx.alertDelivery.create({
        data: {
          alertId: delivery.alertId,
          channelType: delivery.channelType,
          target: delivery.target,
          attempt: delivery.attempt + 1,
          status: "pending",
          attemptedAt: outcome.retryAt,
          nextAttemptAt: outcome.retryAt,
        },
      });
    }
  });
}
