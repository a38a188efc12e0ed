import { fingerprintOf, isReached, KeywardError } from "@keyward/auth-core";
import type { ApiKey, Db } from "@keyward/db";
import { type Actor, appendAuditEvent, type Tx } from "../audit/append";
import { assertMayManageKeys } from "./grant";
import { type PublicKey, toPublicKey } from "./public-key";
import { insertKey, lockOwnKey, rateLimitOf } from "./rows";

function assertUsable(row: ApiKey, now: Date): void {
  if (row.revokedAt) throw new KeywardError("CONFLICT", "Key is revoked");
  if (isReached(row.expiresAt, now.getTime()) || isReached(row.graceEndsAt, now.getTime())) {
    throw new KeywardError("CONFLICT", "Key has expired");
  }
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
    await tx.keyChange.create({ data: { keyId: id, companyId } });
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
