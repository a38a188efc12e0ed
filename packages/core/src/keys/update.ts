import { fingerprintOf, KeywardError } from "@keyward/auth-core";
import { type Db, Prisma } from "@keyward/db";
import { type Actor, appendAuditEvent } from "../audit/append";
import { assertMayManageKeys } from "./grant";
import { type PublicKey, toPublicKey } from "./public-key";
import { lockOwnKey } from "./rows";
import type { UpdateKeyInput } from "./schemas";

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
    await tx.keyChange.create({ data: { keyId: id, companyId } });
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
