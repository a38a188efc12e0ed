// The operator's own service keys (docs/companies.md): they belong to no company, so they can verify
// keys of every company and manage companies, and nothing else: every route that reads a company's
// data refuses them (the API's one principal check). Same format and hashing as company keys; the
// enforcement path finds them by hash next to company keys (keys/records.ts).
import { generateKey, KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { text } from "../bounded-input";
import { isUuid } from "../ids";

export const OPERATOR_KEY_PREFIX = "kwop";
export const OPERATOR_SCOPES = ["keys:verify", "companies:read", "companies:write"] as const;

export const createOperatorKeyInputSchema = z.strictObject({
  name: text(120).trim().min(1, "Enter a name"),
  scopes: z
    .array(z.enum(OPERATOR_SCOPES, { error: `An operator key's scopes are ${OPERATOR_SCOPES.join(", ")}` }))
    .min(1, "Give at least one scope")
    .max(OPERATOR_SCOPES.length)
    .transform((scopes) => [...new Set(scopes)].sort()),
});

export type CreateOperatorKeyInput = z.input<typeof createOperatorKeyInputSchema>;

export const publicOperatorKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  start: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(["active", "revoked"]),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export type PublicOperatorKey = z.output<typeof publicOperatorKeySchema>;

type OperatorKeyRow = Awaited<ReturnType<Db["operatorKey"]["findFirstOrThrow"]>>;

function toPublicOperatorKey(row: OperatorKeyRow): PublicOperatorKey {
  return {
    id: row.id,
    name: row.name,
    start: row.start,
    scopes: row.scopes,
    status: row.revokedAt === null ? "active" : "revoked",
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates an operator key; the secret is returned to show once, only its hash is stored. */
export async function createOperatorKey(
  db: Db,
  raw: CreateOperatorKeyInput,
  createdByUserId: string | null,
): Promise<{ key: PublicOperatorKey; secret: string }> {
  const input = createOperatorKeyInputSchema.parse(raw);
  const generated = generateKey({ prefix: OPERATOR_KEY_PREFIX, environment: "live" });
  const row = await db.operatorKey.create({
    data: { name: input.name, scopes: input.scopes, hash: generated.hash, start: generated.start, createdByUserId },
  });
  return { key: toPublicOperatorKey(row), secret: generated.key };
}

export async function listOperatorKeys(db: Db): Promise<PublicOperatorKey[]> {
  const rows = await db.operatorKey.findMany({ orderBy: { createdAt: "asc" } });
  return rows.map(toPublicOperatorKey);
}

/**
 * Revokes an operator key (by id, or by its display start) and logs the change, so every replica
 * refuses it within a poll; the caller announces the id for its own replica at once.
 */
export async function revokeOperatorKey(db: Db, idOrStart: string): Promise<PublicOperatorKey> {
  return db.$transaction(async (tx) => {
    const row = await tx.operatorKey.findFirst({
      where: isUuid(idOrStart) ? { id: idOrStart } : { start: idOrStart },
    });
    if (!row) throw new KeywardError("NOT_FOUND", "Operator key not found");
    if (row.revokedAt !== null) return toPublicOperatorKey(row);
    const revoked = await tx.operatorKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await tx.keyChange.create({ data: { keyId: row.id } });
    return toPublicOperatorKey(revoked);
  });
}
