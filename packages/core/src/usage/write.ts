import type { Db } from "@keyward/db";
import { appendAuditEvents, type Tx } from "../audit/append";

export interface UsageCount {
  companyId: string;
  keyId: string;
  minute: Date;
  /** `allowed`, or the refusal code in lower case (`revoked`, `rate_limited`, …). */
  outcome: string;
  count: number;
}

export interface LastUse {
  keyId: string;
  at: Date;
  ip: string | null;
}

/** Refusals of one known key, one cause, one IP and one minute, folded into one audit event. */
export interface RefusalSummary {
  companyId: string;
  keyId: string;
  fingerprint: string;
  code: string;
  ip: string | null;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

export interface UsageBatch {
  counts: UsageCount[];
  lastUses: LastUse[];
  refusals: RefusalSummary[];
}

/**
 * Writes one batch in one transaction: every count is added exactly once, or none is. Counts of a key
 * that is gone (its company was deleted after the request was counted) are dropped: they would break
 * the foreign keys, fail the batch, and so keep every other company's counts from ever being written.
 */
export async function writeUsageBatch(db: Db, received: UsageBatch): Promise<void> {
  await db.$transaction(async (tx) => {
    const batch = await withoutDeletedKeys(tx, received);
    if (batch.counts.length > 0) {
      await tx.$executeRaw`
        INSERT INTO usage_buckets (company_id, key_id, minute, outcome, count)
        SELECT * FROM unnest(
          ${batch.counts.map((c) => c.companyId)}::uuid[], ${batch.counts.map((c) => c.keyId)}::uuid[],
          ${batch.counts.map((c) => c.minute)}::timestamptz[], ${batch.counts.map((c) => c.outcome)}::text[],
          ${batch.counts.map((c) => c.count)}::int[])
        ON CONFLICT (key_id, minute, outcome) DO UPDATE SET count = usage_buckets.count + EXCLUDED.count`;
    }
    if (batch.lastUses.length > 0) {
      await tx.$executeRaw`
        UPDATE api_keys AS k SET last_used_at = v.at, last_used_ip = v.ip
        FROM unnest(${batch.lastUses.map((u) => u.keyId)}::uuid[], ${batch.lastUses.map((u) => u.at)}::timestamptz[],
                    ${batch.lastUses.map((u) => u.ip)}::text[]) AS v(id, at, ip)
        WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.at)`;
    }
    // Companies in a fixed order, so two replicas flushing at once lock their chains in the same order.
    const byCompany = new Map<string, RefusalSummary[]>();
    for (const r of batch.refusals) byCompany.set(r.companyId, [...(byCompany.get(r.companyId) ?? []), r]);
    for (const companyId of [...byCompany.keys()].sort()) {
      await appendAuditEvents(
        tx,
        companyId,
        (byCompany.get(companyId) ?? []).map((r) => ({
          companyId,
          actor: { type: "key" as const, id: r.keyId, fingerprint: r.fingerprint, ip: r.ip },
          action: "request.refused",
          targetType: "key",
          targetId: r.keyId,
          keyId: r.keyId,
          reason: r.code,
          metadata: { count: r.count, firstAt: r.firstAt.toISOString(), lastAt: r.lastAt.toISOString() },
        })),
      );
    }
  });
}

/** The batch without the counts and refusals of keys that no longer exist (one read per flush, never per request). */
async function withoutDeletedKeys(tx: Tx, batch: UsageBatch): Promise<UsageBatch> {
  const ids = [...new Set([...batch.counts, ...batch.refusals].map((entry) => entry.keyId))];
  if (ids.length === 0) return batch;
  const existing = await tx.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true } });
  if (existing.length === ids.length) return batch;
  const live = new Set(existing.map((k) => k.id));
  return {
    counts: batch.counts.filter((c) => live.has(c.keyId)),
    lastUses: batch.lastUses,
    refusals: batch.refusals.filter((r) => live.has(r.keyId)),
  };
}
