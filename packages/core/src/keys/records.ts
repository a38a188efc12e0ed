// What the enforcement path needs of a key (auth-core's KeyRecord): one indexed read by hash.
//
// The enforcement path's queries, sent to the pool as is (see poolOf for why not through Prisma).
// A hash is looked up among the companies' keys (with whether their company is suspended) and the
// operator's keys (no company) in one statement. key-records.test.ts checks that these readings
// agree with Prisma's, on both databases.
import type { Environment, KeyRecord } from "@keyward/auth-core";
import { type Db, poolOf } from "@keyward/db";

const COMPANY_KEYS = `SELECT k.id, k.company_id, k.name, k.hash, k.environment::text AS environment, k.scopes,
  k.expires_at, k.revoked_at, k.grace_ends_at, k.ip_allowlist, k.rate_limit, k.rate_limit_window_seconds,
  k.metadata, c.suspended_at IS NOT NULL AS company_suspended
  FROM api_keys k JOIN companies c ON c.id = k.company_id`;

// An operator key has no company, environment, expiry, allowlist or rate limit of its own.
const OPERATOR_KEYS = `SELECT o.id, NULL::uuid AS company_id, o.name, o.hash, 'live' AS environment, o.scopes,
  NULL::timestamptz AS expires_at, o.revoked_at, NULL::timestamptz AS grace_ends_at, '{}'::text[] AS ip_allowlist,
  NULL::int AS rate_limit, NULL::int AS rate_limit_window_seconds, NULL::jsonb AS metadata,
  false AS company_suspended
  FROM operator_keys o`;

interface KeyRecordRow {
  id: string;
  company_id: string | null;
  name: string;
  hash: string;
  environment: Environment;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  grace_ends_at: Date | null;
  ip_allowlist: string[];
  rate_limit: number | null;
  rate_limit_window_seconds: number | null;
  metadata: Record<string, unknown> | null;
  company_suspended: boolean;
}

function fromKeyRecordRow(row: KeyRecordRow): KeyRecord {
  return {
    id: row.id,
    companyId: row.company_id,
    companySuspended: row.company_suspended,
    name: row.name,
    hash: row.hash,
    environment: row.environment,
    scopes: row.scopes,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    graceEndsAt: row.grace_ends_at,
    ipAllowlist: row.ip_allowlist,
    rateLimit:
      row.rate_limit !== null && row.rate_limit_window_seconds !== null
        ? { limit: row.rate_limit, windowSeconds: row.rate_limit_window_seconds }
        : null,
    metadata: row.metadata,
  };
}

export async function findKeyRecordByHash(db: Db, hash: string): Promise<KeyRecord | null> {
  const { rows } = await poolOf(db).query<KeyRecordRow>(
    `${COMPANY_KEYS} WHERE k.hash = $1 UNION ALL ${OPERATOR_KEYS} WHERE o.hash = $1`,
    [hash],
  );
  return rows[0] ? fromKeyRecordRow(rows[0]) : null;
}

/** The keys among these hashes that exist, in one indexed query (the verifier's batched re-reads). */
export async function findKeyRecordsByHash(db: Db, hashes: readonly string[]): Promise<KeyRecord[]> {
  const { rows } = await poolOf(db).query<KeyRecordRow>(
    `${COMPANY_KEYS} WHERE k.hash = ANY($1::bpchar[]) UNION ALL ${OPERATOR_KEYS} WHERE o.hash = ANY($1::bpchar[])`,
    [hashes],
  );
  return rows.map(fromKeyRecordRow);
}

/** A company's key by id (the key behind an exchanged token), or null; operator keys have no tokens. */
export async function findKeyRecordById(db: Db, id: string): Promise<KeyRecord | null> {
  const { rows } = await poolOf(db).query<KeyRecordRow>(`${COMPANY_KEYS} WHERE k.id = $1::uuid`, [id]);
  return rows[0] ? fromKeyRecordRow(rows[0]) : null;
}

/**
 * The company keys among these ids that exist, in one indexed query; only `companyId`'s when given
 * (the usage an SDK reports names keys by id, and a company reports only its own).
 */
export async function findKeyRecordsById(
  db: Db,
  ids: readonly string[],
  companyId: string | undefined,
): Promise<KeyRecord[]> {
  const { rows } =
    companyId === undefined
      ? await poolOf(db).query<KeyRecordRow>(`${COMPANY_KEYS} WHERE k.id = ANY($1::uuid[])`, [ids])
      : await poolOf(db).query<KeyRecordRow>(
          `${COMPANY_KEYS} WHERE k.id = ANY($1::uuid[]) AND k.company_id = $2::uuid`,
          [ids, companyId],
        );
  return rows.map(fromKeyRecordRow);
}
