// The guard's settings in the dashboard (the README's dashboard, §7): a shared secret, kept sealed (secret.ts), and
// the lifetime of the tokens signed with it (token.ts). The dashboard and the guard process both
// read them through here. Every change is audited, never with the secret.
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { type Actor, appendAuditEvent } from "../audit/append";
import { changeCompanyField } from "../companies/change-field";
import { generateGuardSecret, sealGuardSecret, unsealGuardSecret } from "./secret";
import { issueGuardToken } from "./token";

const MAX_TTL_SECONDS = 366 * 86_400;

export const guardTokenTtlSecondsSchema = z.coerce
  .number({ error: "Enter a number of seconds" })
  .int("Whole seconds")
  .min(60, "At least 1 minute")
  .max(MAX_TTL_SECONDS, "At most 366 days");

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
  return changeCompanyField(db, companyId, "guardTokenTtlSeconds", ttl, "guard.token_ttl_changed", actor);
}

/**
 * A fresh guard token signed with the company's secret and naming the company, shown once; the audit
 * event records only its expiry.
 */
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
  const issued = await issueGuardToken(secret, tokenTtlSeconds, { companyId });
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
