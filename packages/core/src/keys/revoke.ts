import { fingerprintOf } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { type Actor, appendAuditEvent } from "../audit/append";
import { assertMayManageKeys } from "./grant";
import { type PublicKey, toPublicKey } from "./public-key";
import { lockOwnKey } from "./rows";

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
    await tx.keyChange.create({ data: { keyId: id, companyId } });
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
