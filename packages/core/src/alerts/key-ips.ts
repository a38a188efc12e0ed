// The IPs each key was seen from (new_ip rules), shared by replicas in `key_ips`.
import type { Db } from "@keyward/db";

/**
 * Records (key, ip) pairs; returns those no replica had recorded before, with how many other IPs
 * the key was already known from. The insert decides, so exactly one replica learns a pair is new.
 */
export async function recordKeyIps(
  db: Db,
  pairs: readonly { keyId: string; ip: string }[],
): Promise<{ keyId: string; ip: string; knownIps: number }[]> {
  if (pairs.length === 0) return [];
  const rows = await db.$queryRaw<{ key_id: string; ip: string; known_ips: number }[]>`
    WITH inserted AS (
      INSERT INTO key_ips (key_id, ip)
      SELECT * FROM unnest(${pairs.map((p) => p.keyId)}::uuid[], ${pairs.map((p) => p.ip)}::text[])
      ON CONFLICT (key_id, ip) DO NOTHING
      RETURNING key_id, ip)
    SELECT inserted.key_id::text AS key_id, inserted.ip,
           (SELECT count(*) FROM key_ips k WHERE k.key_id = inserted.key_id)::int AS known_ips
    FROM inserted`;
  return rows.map((r) => ({ keyId: r.key_id, ip: r.ip, knownIps: r.known_ips }));
}
