// "Nothing was written": one digest of every row a request could write, in every company, taken
// before and after a refused request. Columns and rows that change in the background, whoever
// calls, are left out: a key's last use (the usage flush), a rule's last firing and the alerts the
// detector fires (with their `alert.fired` audit events; marking one seen is a write). A suite that compares digests should
// also keep usage from being flushed while it runs (USAGE_FLUSH_INTERVAL_MS), as refusals are
// audited by that flush.
import type { Db } from "@keyward/db";

/** md5 of the rows of `from`, as JSON without `omit`'s columns, in a fixed order. */
const digestOf = (from: string, omit: string[] = [], where = "true") =>
  `(SELECT md5(coalesce(string_agg((to_jsonb(t)${omit.map((c) => ` - '${c}'`).join("")})::text, ',' ORDER BY t::text), '')) FROM ${from} t WHERE ${where})`;

const WRITES_DIGEST = `SELECT
  ${digestOf("companies")} AS companies,
  ${digestOf("users")} AS users,
  ${digestOf("memberships")} AS memberships,
  ${digestOf("invites")} AS invites,
  ${digestOf("scope_resources")} AS scope_resources,
  ${digestOf("api_keys", ["last_used_at", "last_used_ip"])} AS api_keys,
  ${digestOf("alert_rules", ["last_fired_at", "updated_at"])} AS alert_rules,
  ${digestOf("alerts", [], "(t.payload->>'test')::boolean")} AS test_alerts,
  ${digestOf("alerts", [], "t.seen_at IS NOT NULL")} AS seen_alerts,
  ${digestOf("audit_events", [], "t.action <> 'alert.fired'")} AS audit_events,
  ${digestOf("operator_keys")} AS operator_keys,
  (SELECT count(*)::text FROM key_changes) AS key_changes`;

export type WritesDigest = Record<string, string>;

export async function writesDigest(db: Db): Promise<WritesDigest> {
  const rows = await db.$queryRawUnsafe<WritesDigest[]>(WRITES_DIGEST);
  return rows[0] as WritesDigest;
}

/** The parts of two digests that differ: what a request wrote. */
export function changedParts(before: WritesDigest, after: WritesDigest): string[] {
  return Object.keys(before).filter((part) => before[part] !== after[part]);
}
