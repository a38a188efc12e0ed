import {
  deriveKeyStatus,
  type Environment,
  fingerprintOf,
  generateKey,
  isReached,
  type KeyRecord,
  KeywardError,
} from "@keyward/auth-core";
import { type ApiKey, type Db, Prisma, poolOf } from "@keyward/db";
import { type Actor, appendAuditEvent, type Tx } from "../audit/append";
import { assertMayManageKeys } from "./grant";
import type { CreateKeyInput, ListKeysQuery, UpdateKeyInput } from "./schemas";

const EXPIRING_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** A key as the API and the dashboard show it: everything but its secret (which is never stored). */
export interface PublicKey {
  id: string;
  name: string;
  start: string;
  fingerprint: string;
  environment: Environment;
  scopes: string[];
  status: "active" | "expiring" | "expired" | "revoked";
  expiresAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  rotatedFromId: string | null;
  graceEndsAt: string | null;
  ipAllowlist: string[];
  rateLimit: { limit: number; windowSeconds: number } | null;
  metadata: unknown;
  imported: boolean;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function rateLimitOf(row: ApiKey): { limit: number; windowSeconds: number } | null {
  return row.rateLimit !== null && row.rateLimitWindowSeconds !== null
    ? { limit: row.rateLimit, windowSeconds: row.rateLimitWindowSeconds }
    : null;
}

export function toPublicKey(row: ApiKey, now = new Date()): PublicKey {
  return {
    id: row.id,
    name: row.name,
    start: row.start,
    fingerprint: fingerprintOf(row.hash),
    environment: row.environment,
    scopes: row.scopes,
    status: deriveKeyStatus(row, now),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    revokedReason: row.revokedReason,
    rotatedFromId: row.rotatedFromId,
    graceEndsAt: iso(row.graceEndsAt),
    ipAllowlist: row.ipAllowlist,
    rateLimit: rateLimitOf(row),
    metadata: row.metadata ?? null,
    imported: row.imported,
    lastUsedAt: iso(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the enforcement path needs of a key: one indexed read by hash. */
// The enforcement path's two queries, sent to the pool as is (see poolOf for why not through Prisma).
// The columns are checked against schema.prisma by the schema-drift test, and key-records.test.ts
// checks that both readings of a row agree.
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

/** Generates a key with the company's prefix and stores its hash: the one place a key row is born. */
async function insertKey(
  tx: Tx,
  companyId: string,
  settings: CreateKeyInput,
  actor: Actor,
  rotatedFromId: string | null = null,
): Promise<{ row: ApiKey; generated: ReturnType<typeof generateKey> }> {
  const company = await tx.company.findUniqueOrThrow({ where: { id: companyId }, select: { keyPrefix: true } });
  const generated = generateKey({ prefix: company.keyPrefix, environment: settings.environment });
  const row = await tx.apiKey.create({
    data: {
      companyId,
      name: settings.name,
      hash: generated.hash,
      start: generated.start,
      environment: settings.environment,
      scopes: [...new Set(settings.scopes)].sort(),
      expiresAt: settings.expiresAt ?? null,
      ipAllowlist: settings.ipAllowlist ?? [],
      rateLimit: settings.rateLimit?.limit ?? null,
      rateLimitWindowSeconds: settings.rateLimit?.windowSeconds ?? null,
      metadata: (settings.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
      rotatedFromId,
      createdByUserId: actor.type === "user" ? actor.id : null,
      createdByKeyId: actor.type === "key" ? actor.id : null,
    },
  });
  return { row, generated };
}

/**
 * Creates a key and its audit event in one transaction. The plaintext secret is returned to the
 * caller, who shows it once; only its hash is stored.
 */
export async function createKey(
  db: Db,
  companyId: string,
  input: CreateKeyInput,
  actor: Actor,
): Promise<{ key: PublicKey; secret: string }> {
  assertMayManageKeys(actor, input.scopes);
  return db.$transaction(async (tx) => {
    const { row, generated } = await insertKey(tx, companyId, input, actor);
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "key.created",
      targetType: "key",
      targetId: row.id,
      keyId: row.id,
      fingerprint: generated.fingerprint,
      metadata: { name: row.name, environment: row.environment, scopes: row.scopes },
    });
    return { key: toPublicKey(row), secret: generated.key };
  });
}

/** Status is derived from timestamps, so a status filter is a condition on them at `now`. */
function statusWhere(status: PublicKey["status"], now: Date): Prisma.ApiKeyWhereInput {
  const soon = new Date(now.getTime() + EXPIRING_WINDOW_MS);
  const notExpired: Prisma.ApiKeyWhereInput = {
    AND: [
      { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      { OR: [{ graceEndsAt: null }, { graceEndsAt: { gt: now } }] },
    ],
  };
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, OR: [{ expiresAt: { lte: now } }, { graceEndsAt: { lte: now } }] };
    case "expiring":
      return { revokedAt: null, ...notExpired, OR: [{ graceEndsAt: { not: null } }, { expiresAt: { lte: soon } }] };
    case "active":
      return { revokedAt: null, graceEndsAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: soon } }] };
  }
}

/** One page of a company's keys, newest first; the cursor is the last id of the page (UUIDv7 sorts by time). */
/**
 * A page of a company's keys, newest first. `nextCursor` leads to older keys, `prevCursor` to newer
 * ones (null on the first page); both are key ids, so pages hold when keys are added meanwhile.
 */
export async function listKeys(
  db: Db,
  companyId: string,
  query: ListKeysQuery,
  now = new Date(),
): Promise<{ data: PublicKey[]; nextCursor: string | null; prevCursor: string | null }> {
  const where: Prisma.ApiKeyWhereInput = { companyId };
  const and: Prisma.ApiKeyWhereInput[] = [];
  if (query.environment) where.environment = query.environment;
  if (query.status) and.push(statusWhere(query.status, now));
  if (query.q)
    and.push({ OR: [{ name: { contains: query.q, mode: "insensitive" } }, { start: { startsWith: query.q } }] });
  if (and.length) where.AND = and;

  if (query.before) {
    // Walk towards newer keys from `before`, then show them newest first like every other page.
    const rows = await db.apiKey.findMany({
      where: { ...where, id: { gt: query.before } },
      orderBy: { id: "asc" },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit).reverse();
    return {
      data: page.map((row) => toPublicKey(row, now)),
      nextCursor: page.at(-1)?.id ?? null,
      prevCursor: rows.length > query.limit ? (page[0]?.id ?? null) : null,
    };
  }

  if (query.cursor) where.id = { lt: query.cursor };
  const rows = await db.apiKey.findMany({ where, orderBy: { id: "desc" }, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map((row) => toPublicKey(row, now)),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    prevCursor: query.cursor ? (page[0]?.id ?? query.cursor) : null,
  };
}

/** Changes since `since` (the key-change log every replica polls), oldest first. */
export async function keyChangesSince(
  db: Db,
  since: Date,
  limit = 1000,
): Promise<{ id: bigint; keyId: string; createdAt: Date }[]> {
  return db.keyChange.findMany({ where: { createdAt: { gt: since } }, orderBy: { id: "asc" }, take: limit });
}

/** A company's key by id; another company's key is NOT_FOUND, exactly as a missing one. */
async function findOwnKey(tx: Tx | Db, companyId: string, id: string): Promise<ApiKey> {
  const row = await tx.apiKey.findFirst({ where: { id, companyId } });
  if (!row) throw new KeywardError("NOT_FOUND", "Key not found");
  return row;
}

export async function getKey(db: Db, companyId: string, id: string): Promise<PublicKey> {
  return toPublicKey(await findOwnKey(db, companyId, id));
}

/** Locks the row so concurrent rotate/revoke/update of one key apply one after the other. */
async function lockOwnKey(tx: Tx, companyId: string, id: string): Promise<ApiKey> {
  await tx.$queryRaw`SELECT id FROM api_keys WHERE id = ${id}::uuid AND company_id = ${companyId}::uuid FOR UPDATE`;
  return findOwnKey(tx, companyId, id);
}

function assertUsable(row: ApiKey, now: Date): void {
  if (row.revokedAt) throw new KeywardError("CONFLICT", "Key is revoked");
  if (isReached(row.expiresAt, now.getTime()) || isReached(row.graceEndsAt, now.getTime())) {
    throw new KeywardError("CONFLICT", "Key has expired");
  }
}

export async function updateKey(
  db: Db,
  companyId: string,
  id: string,
  input: UpdateKeyInput,
  actor: Actor,
): Promise<PublicKey> {
  return db.$transaction(async (tx) => {
    const before = await lockOwnKey(tx, companyId, id);
    // Checked on the locked row: the key as it is, and as it would become.
    assertMayManageKeys(actor, [...before.scopes, ...(input.scopes ?? [])]);
    if (before.revokedAt) throw new KeywardError("CONFLICT", "A revoked key cannot be changed");
    const data: Prisma.ApiKeyUpdateInput = {};
    if (input.name !== undefined) data.name = input.name;
    if (input.scopes !== undefined) data.scopes = [...new Set(input.scopes)].sort();
    if (input.ipAllowlist !== undefined) data.ipAllowlist = input.ipAllowlist;
    if (input.expiresAt !== undefined) data.expiresAt = input.expiresAt;
    if (input.metadata !== undefined) data.metadata = (input.metadata ?? Prisma.DbNull) as Prisma.InputJsonValue;
    if (input.rateLimit !== undefined) {
      data.rateLimit = input.rateLimit?.limit ?? null;
      data.rateLimitWindowSeconds = input.rateLimit?.windowSeconds ?? null;
    }
    const row = await tx.apiKey.update({ where: { id }, data });
    await tx.keyChange.create({ data: { keyId: id } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "key.updated",
      targetType: "key",
      targetId: id,
      keyId: id,
      fingerprint: fingerprintOf(row.hash),
      metadata: { changed: Object.keys(input).sort() },
    });
    return toPublicKey(row);
  });
}

/**
 * A key in its grace period already has its successor: rotating it again would add a second live
 * replacement and could move its end out by up to 7 days. Clients move to the successor, so that is
 * the key to rotate; revoke ends the old one sooner.
 */
async function assertNotRotated(tx: Tx, old: ApiKey): Promise<void> {
  if (old.graceEndsAt === null) return;
  const successor = await tx.apiKey.findFirst({
    where: { companyId: old.companyId, rotatedFromId: old.id },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  const graceEndsAt = old.graceEndsAt.toISOString();
  throw new KeywardError(
    "CONFLICT",
    `Key was already rotated and stops working at ${graceEndsAt}: rotate its successor, or revoke this key to end it sooner`,
    { successorId: successor?.id ?? null, graceEndsAt },
  );
}

export interface RotateResult {
  key: PublicKey;
  secret: string;
  rotatedFrom: string;
  oldKeyExpiresAt: string;
}

/**
 * Issues a successor with the same settings. The old key stops at once (grace 0) or at the end of
 * the grace period, which never outlives the old key's own expiry. A key has one successor: one in
 * its grace period is a CONFLICT (assertNotRotated).
 */
export async function rotateKey(
  db: Db,
  companyId: string,
  id: string,
  gracePeriodSeconds: number,
  actor: Actor,
  now = new Date(),
): Promise<RotateResult> {
  return db.$transaction(async (tx) => {
    const old = await lockOwnKey(tx, companyId, id);
    // The successor carries the old key's scopes, and its secret goes to the caller.
    assertMayManageKeys(actor, old.scopes);
    assertUsable(old, now);
    await assertNotRotated(tx, old);
    let oldEnd = new Date(now.getTime() + gracePeriodSeconds * 1000);
    if (old.expiresAt && old.expiresAt < oldEnd) oldEnd = old.expiresAt;
    if (gracePeriodSeconds === 0) {
      await tx.apiKey.update({ where: { id }, data: { revokedAt: now, revokedReason: "rotated" } });
    } else {
      await tx.apiKey.update({ where: { id }, data: { graceEndsAt: oldEnd } });
    }
    await tx.keyChange.create({ data: { keyId: id } });
    const successor = {
      name: old.name,
      environment: old.environment,
      scopes: old.scopes,
      expiresAt: old.expiresAt,
      ipAllowlist: old.ipAllowlist,
      rateLimit: rateLimitOf(old),
      metadata: old.metadata as Record<string, unknown> | null,
    };
    const { row, generated } = await insertKey(tx, companyId, successor, actor, old.id);
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "key.rotated",
      targetType: "key",
      targetId: old.id,
      keyId: old.id,
      fingerprint: fingerprintOf(old.hash),
      metadata: {
        newKeyId: row.id,
        newFingerprint: generated.fingerprint,
        gracePeriodSeconds,
        oldKeyExpiresAt: oldEnd.toISOString(),
      },
    });
    return {
      key: toPublicKey(row, now),
      secret: generated.key,
      rotatedFrom: old.id,
      oldKeyExpiresAt: oldEnd.toISOString(),
    };
  });
}

/** Revokes a key at once. Revoking a revoked key changes nothing and returns it as it is. */
export async function revokeKey(
  db: Db,
  companyId: string,
  id: string,
  reason: string | undefined,
  actor: Actor,
): Promise<PublicKey> {
  return db.$transaction(async (tx) => {
    const before = await lockOwnKey(tx, companyId, id);
    assertMayManageKeys(actor, before.scopes);
    if (before.revokedAt) return toPublicKey(before);
    const row = await tx.apiKey.update({
      where: { id },
      data: { revokedAt: new Date(), revokedReason: reason ?? null },
    });
    await tx.keyChange.create({ data: { keyId: id } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "key.revoked",
      targetType: "key",
      targetId: id,
      keyId: id,
      fingerprint: fingerprintOf(row.hash),
      reason,
    });
    return toPublicKey(row);
  });
}
