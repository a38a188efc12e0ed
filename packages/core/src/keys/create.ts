import type { Db } from "@keyward/db";
import { type Actor, appendAuditEvent } from "../audit/append";
import { assertMayManageKeys } from "./grant";
import { type PublicKey, toPublicKey } from "./public-key";
import { insertKey } from "./rows";
import type { CreateKeyInput } from "./schemas";

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
