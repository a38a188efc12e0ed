// The counts behind counting rules (request_spike, auth_failures, rate_limited), shared by replicas
// in `alert_counters`: each adds its own, and every one reads the sum.
import type { Db } from "@keyward/db";

export interface AlertCount {
  ruleId: string;
  subject: string;
  /** Unix seconds at the start of the bucket. */
  bucket: number;
  count: number;
}

/**
 * Adds one replica's counts in one statement. Counts of rules deleted since they were counted are
 * dropped here: the join keeps only rules that exist, and FOR KEY SHARE holds them until the insert
 * is done (a concurrent delete waits, or has committed and the row is skipped), so one deleted rule
 * can never make the foreign key refuse the whole batch.
 */
export async function addAlertCounts(db: Db, counts: readonly AlertCount[]): Promise<void> {
  if (counts.length === 0) return;
  await db.$executeRaw`
    INSERT INTO alert_counters (rule_id, subject, bucket, count)
    SELECT c.rule_id, c.subject, c.bucket, c.count
    FROM unnest(${counts.map((c) => c.ruleId)}::uuid[], ${counts.map((c) => c.subject)}::text[],
                ${counts.map((c) => c.bucket)}::bigint[], ${counts.map((c) => c.count)}::int[])
           AS c(rule_id, subject, bucket, count)
    JOIN alert_rules r ON r.id = c.rule_id
    FOR KEY SHARE OF r
    ON CONFLICT (rule_id, subject, bucket) DO UPDATE SET count = alert_counters.count + EXCLUDED.count`;
}

/**
 * The count of each (rule, subject) from `fromBucket` on, over every replica, leaving out buckets
 * that began before the subject's last alert: a new incident needs new events after the last one.
 */
export async function sumAlertCounts(
  db: Db,
  queries: readonly { ruleId: string; subject: string; fromBucket: number }[],
): Promise<{ ruleId: string; subject: string; count: number; firstBucket: number }[]> {
  if (queries.length === 0) return [];
  const rows = await db.$queryRaw<{ rule_id: string; subject: string; count: number; first_bucket: bigint }[]>`
    SELECT q.rule_id::text AS rule_id, q.subject, SUM(c.count)::int AS count, MIN(c.bucket) AS first_bucket
    FROM unnest(${queries.map((q) => q.ruleId)}::uuid[], ${queries.map((q) => q.subject)}::text[],
                ${queries.map((q) => q.fromBucket)}::bigint[]) AS q(rule_id, subject, from_bucket)
    JOIN alert_counters c ON c.rule_id = q.rule_id AND c.subject = q.subject AND c.bucket >= q.from_bucket
    LEFT JOIN alert_incidents i ON i.rule_id = q.rule_id AND i.subject = q.subject
    WHERE i.last_fired_at IS NULL OR c.bucket >= ceil(extract(epoch FROM i.last_fired_at))
    GROUP BY q.rule_id, q.subject`;
  return rows.map((r) => ({
    ruleId: r.rule_id,
    subject: r.subject,
    count: r.count,
    firstBucket: Number(r.first_bucket),
  }));
}

/** Drops buckets no window can reach any more. */
export async function pruneAlertCounters(db: Db, beforeBucket: number): Promise<void> {
  await db.$executeRaw`DELETE FROM alert_counters WHERE bucket < ${beforeBucket}::bigint`;
}
