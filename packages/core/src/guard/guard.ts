// The guard's settings in the dashboard (SPEC §5, §7): a shared secret, kept sealed with
// KEYWARD_ENCRYPTION_KEY (never in plaintext in a row, a log or an audit event), and the lifetime
// of the tokens signed with it. The dashboard and the guard process both read them through here,
// so the sealing, the key resolution and the token format exist once.
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { type Actor, appendAuditEvent } from "../audit/append";
import { aesSecretBox, DEVELOPMENT_ENCRYPTION_KEY, decodeEncryptionKey, ENCRYPTION_KEY_FILE } from "../secret-box";

/** Issuer of guard tokens; the guard accepts no other. */
export const GUARD_TOKEN_ISSUER = "keyward-guard";
export const MIN_GUARD_SECRET_LENGTH = 16;
const MAX_TTL_SECONDS = 366 * 86_400;

export const guardTokenTtlSecondsSchema = z.coerce
  .number({ error: "Enter a number of seconds" })
  .int("Whole seconds")
  .min(60, "At least 1 minute")
  .max(MAX_TTL_SECONDS, "At most 366 days");

// ---- token lifetimes as people write them: `24h`, `90m`, `7d`, `1h30m`, `3600s`; a bare number means hours ----

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const PART = /(\d+(?:\.\d+)?)([smhd])/g;

/** Seconds, or null when the text is not a duration. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === "number") return Number.isFinite(text) && text > 0 ? Math.round(text * 3600) : null;
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return parseDuration(Number(trimmed));
  if (!/^(?:\d+(?:\.\d+)?[smhd])+$/.test(trimmed)) return null;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART))
    seconds += Number(amount) * (UNIT_SECONDS[unit as string] ?? 0);
  return seconds > 0 ? Math.round(seconds) : null;
}

/** `86400` → `24h`, for the start banner (days only from two days up, hours read better below). */
export function formatDuration(seconds: number): string {
  if (seconds >= 172_800 && seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

// ---- the encryption key: resolved as the API resolves it (apps/api/src/auth/encryption.ts) ----

/**
 * KEYWARD_ENCRYPTION_KEY; else outside production the fixed development key; else the key file the
 * API writes into the data directory on its first production start (`pnpm start` runs the API first).
 */
export function resolveGuardEncryptionKey(opts: {
  encryptionKey: string | undefined;
  nodeEnv: string | undefined;
  dataDir: string;
}): Buffer {
  if (opts.encryptionKey) {
    const key = decodeEncryptionKey(opts.encryptionKey);
    if (key === null) throw new Error("KEYWARD_ENCRYPTION_KEY must be 32 bytes, base64 or hex");
    return key;
  }
  if (opts.nodeEnv !== "production") return DEVELOPMENT_ENCRYPTION_KEY;
  try {
    const key = decodeEncryptionKey(readFileSync(join(opts.dataDir, ENCRYPTION_KEY_FILE), "utf8"));
    if (key !== null) return key;
  } catch {
    // fall through to the error below
  }
  throw new KeywardError(
    "SERVICE_UNAVAILABLE",
    "No encryption key: set KEYWARD_ENCRYPTION_KEY (the same value as the API's) to keep the guard secret",
  );
}

// ---- sealing: the one SecretBox format (AES-256-GCM, `v1.<iv>.<ciphertext>.<tag>`), bound to the company ----

const purpose = (companyId: string) => `guard-secret:${companyId}`;

export function sealGuardSecret(key: Buffer, companyId: string, secret: string): string {
  return aesSecretBox(key).seal(secret, purpose(companyId));
}

/** The secret, or null when it was sealed under another key or for another company. */
export function unsealGuardSecret(key: Buffer, companyId: string, sealed: string): string | null {
  return aesSecretBox(key).unseal(sealed, purpose(companyId));
}

// ---- tokens: a compact HS256 JWT; the guard verifies it with jose ----

/** A `keyward-auth-token` value: HS256 over the secret's UTF-8 bytes, expiring after `ttlSeconds`. */
export function issueGuardToken(
  secret: string,
  ttlSeconds: number,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode({ alg: "HS256", typ: "JWT" })}.${encode({
    iss: GUARD_TOKEN_ISSUER,
    sub: "guard",
    jti: randomBytes(12).toString("base64url"),
    iat,
    exp,
  })}`;
  const signature = createHmac("sha256", secret).update(signingInput).digest("base64url");
  return { token: `${signingInput}.${signature}`, expiresAt: new Date(exp * 1000) };
}

export function generateGuardSecret(): string {
  return randomBytes(32).toString("base64url");
}

// ---- the company's settings ----

export interface GuardSettings {
  secretSet: boolean;
  tokenTtlSeconds: number;
}

export async function getGuardSettings(db: Db, companyId: string): Promise<GuardSettings> {
  const row = await db.company.findUnique({
    where: { id: companyId },
    select: { guardSecretEnc: true, guardTokenTtlSeconds: true },
  });
  if (!row) throw new KeywardError("NOT_FOUND", "Company not found");
  return { secretSet: row.guardSecretEnc !== null, tokenTtlSeconds: row.guardTokenTtlSeconds };
}

/** The plaintext secret and TTL for the guard process; null secret when none is set (or it cannot be unsealed). */
export async function readGuardSecret(
  db: Db,
  companyId: string,
  key: Buffer,
): Promise<{ secret: string | null; tokenTtlSeconds: number; unreadable: boolean }> {
  const row = await db.company.findUnique({
    where: { id: companyId },
    select: { guardSecretEnc: true, guardTokenTtlSeconds: true },
  });
  if (!row) throw new KeywardError("NOT_FOUND", "Company not found");
  if (row.guardSecretEnc === null)
    return { secret: null, tokenTtlSeconds: row.guardTokenTtlSeconds, unreadable: false };
  const secret = unsealGuardSecret(key, companyId, row.guardSecretEnc);
  return { secret, tokenTtlSeconds: row.guardTokenTtlSeconds, unreadable: secret === null };
}

/** Generates a new secret (replacing any previous one: its tokens stop working) and returns it, this once. */
export async function regenerateGuardSecret(db: Db, companyId: string, key: Buffer, actor: Actor): Promise<string> {
  const secret = generateGuardSecret();
  await db.$transaction(async (tx) => {
    const before = await tx.company.findUniqueOrThrow({ where: { id: companyId }, select: { guardSecretEnc: true } });
    await tx.company.update({
      where: { id: companyId },
      data: { guardSecretEnc: sealGuardSecret(key, companyId, secret) },
    });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: before.guardSecretEnc === null ? "guard.secret_set" : "guard.secret_regenerated",
      targetType: "company",
      targetId: companyId,
    });
  });
  return secret;
}

export async function changeGuardTokenTtl(db: Db, companyId: string, raw: unknown, actor: Actor): Promise<number> {
  const ttl = guardTokenTtlSecondsSchema.parse(raw);
  return db.$transaction(async (tx) => {
    const before = await tx.company.findUniqueOrThrow({
      where: { id: companyId },
      select: { guardTokenTtlSeconds: true },
    });
    if (before.guardTokenTtlSeconds === ttl) return ttl;
    await tx.company.update({ where: { id: companyId }, data: { guardTokenTtlSeconds: ttl } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "guard.token_ttl_changed",
      targetType: "company",
      targetId: companyId,
      metadata: { from: before.guardTokenTtlSeconds, to: ttl },
    });
    return ttl;
  });
}

/** A fresh guard token signed with the company's secret, shown once; the audit event records only its expiry. */
export async function renewGuardToken(
  db: Db,
  companyId: string,
  key: Buffer,
  actor: Actor,
): Promise<{ token: string; expiresAt: Date }> {
  const { secret, tokenTtlSeconds, unreadable } = await readGuardSecret(db, companyId, key);
  if (secret === null) {
    throw new KeywardError(
      "VALIDATION_FAILED",
      unreadable
        ? "The guard secret was sealed with another encryption key: generate a new secret"
        : "Set a guard secret first",
    );
  }
  const issued = issueGuardToken(secret, tokenTtlSeconds);
  await db.$transaction(async (tx) => {
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "guard.token_renewed",
      targetType: "company",
      targetId: companyId,
      metadata: { expiresAt: issued.expiresAt.toISOString() },
    });
  });
  return issued;
}

/** The company a guard serves when none is named: the only one there is. */
export async function soleCompanyId(db: Db): Promise<string | null> {
  const rows = await db.company.findMany({ select: { id: true }, take: 2 });
  return rows.length === 1 ? (rows[0]?.id ?? null) : null;
}
