// A key's row as the verbs share it: found within its company, locked for a change, and born (with
// its generated secret) in one place.
import { generateKey, KeywardError } from "@keyward/auth-core";
import type { ApiKey, Db, Prisma } from "@keyward/db";
import type { Actor, Tx } from "../audit/append";
import type { CreateKeyInput } from "./schemas";

/** A key's rate limit; its two columns are set together or not at all. */
export function rateLimitOf(row: ApiKey): { limit: number; windowSeconds: number } | null {
  return row.rateLimit !== null && row.rateLimitWindowSeconds !== null
    ? { limit: row.rateLimit, windowSeconds: row.rateLimitWindowSeconds }
    : null;
}

/** A company's key by id; another company's key is NOT_FOUND, exactly as a missing one. */
export async function findOwnKey(tx: Tx | Db, companyId: string, id: string): Promise<ApiKey> {
  const row = await tx.apiKey.findFirst({ where: { id, companyId } });
  if (!row) throw new KeywardError("NOT_FOUND", "Key not found");
  return row;
}

/** Locks the row so concurrent rotate/revoke/update of one key apply one after the other. */
export async function lockOwnKey(tx: Tx, companyId: string, id: string): Promise<ApiKey> {
  await tx.$queryRaw`SELECT id FROM api_keys WHERE id = ${id}::uuid AND company_id = ${companyId}::uuid FOR UPDATE`;
  return findOwnKey(tx, companyId, id);
}

/** A key row's settings as its creator gave them, for a created, rotated or imported key alike. */
export function keyRowSettings(companyId: string, settings: CreateKeyInput, actor: Actor) {
  return {
    companyId,
    name: settings.name,
    environment: settings.environment,
    scopes: [...new Set(settings.scopes)].sort(),
    expiresAt: settings.expiresAt ?? null,
    ipAllowlist: settings.ipAllowlist ?? [],
    rateLimit: settings.rateLimit?.limit ?? null,
    rateLimitWindowSeconds: settings.rateLimit?.windowSeconds ?? null,
    metadata: (settings.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
    createdByUserId: actor.type === "user" ? actor.id : null,
    createdByKeyId: actor.type === "key" ? actor.id : null,
  };
}

/** Generates a key with the company's prefix and stores its hash: the one place a key row is born. */
export async function insertKey(
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
      ...keyRowSettings(companyId, settings, actor),
      hash: generated.hash,
      start: generated.start,
      rotatedFromId,
    },
  });
  return { row, generated };
}
