// What the enforcement path needs of a key (auth-core's KeyRecord): one indexed read by hash.
//
// The enforcement path's two queries, sent to the pool as is (see poolOf for why not through Prisma).
// The columns are checked against schema.prisma by the schema-drift test, and key-records.test.ts
// checks that both readings of a row agree.
import type { Environment, KeyRecord } from "@keyward/auth-core";
import { type ApiKey, type Db, poolOf } from "@keyward/db";
import { rateLimitOf } from "./rows";

const KEY_RECORD_COLUMNS = `id, company_id, name, hash, environment::text AS environment, scopes, expires_at, revoked_at,
  grace_ends_at, ip_allowlist, rate_limit, rate_limit_window_seconds`;

interface KeyRecordRow {
  id: string;
  company_id: string;
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
}

function fromKeyRecordRow(row: KeyRecordRow): KeyRecord {
  return {
    id: row.id,
    companyId: row.company_id,
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
  };
}

export async function findKeyRecordByHash(db: Db, hash: string): Promise<KeyRecord | null> {
  const { rows } = await poolOf(db).query<KeyRecordRow>(`SELECT ${KEY_RECORD_COLUMNS} FROM api_keys WHERE hash = $1`, [
    hash,
  ]);
  return rows[0] ? fromKeyRecordRow(rows[0]) : null;
}

/** The keys among these hashes that exist, in one indexed query (the verifier's batched re-reads). */
export async function findKeyRecordsByHash(db: Db, hashes: readonly string[]): Promise<KeyRecord[]> {
  const { rows } = await poolOf(db).query<KeyRecordRow>(
    `SELECT ${KEY_RECORD_COLUMNS} FROM api_keys WHERE hash = ANY($1::bpchar[])`,
    [hashes],
  );
  return rows.map(fromKeyRecordRow);
}

export function toKeyRecord(row: ApiKey): KeyRecord {
  return {
    id: row.id,
    companyId: row.companyId,
    name: row.name,
    hash: row.hash,
    environment: row.environment,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    graceEndsAt: row.graceEndsAt,
    ipAllowlist: row.ipAllowlist,
    rateLimit: rateLimitOf(row),
  };
}
