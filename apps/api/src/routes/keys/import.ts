import { fingerprintOf, hashKey, KeywardError } from "@keyward/auth-core";
import {
  type Actor,
  appendAuditEvents,
  assertMayManageKeys,
  createKeyInputSchema,
  type PublicKey,
  publicKeySchema,
  toPublicKey,
} from "@keyward/core";
import { type Db, Prisma } from "@keyward/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, actorOf, companyOf } from "../../context";

export const MAX_IMPORT_KEYS = 1000;
/** 1,000 keys with names, scopes and some metadata: far more than the 64 KB other routes accept. */
export const IMPORT_BODY_LIMIT_BYTES = 1024 * 1024;
/** `start` of an imported key whose caller did not give one: the plaintext was never seen. */
export const IMPORTED_START_PLACEHOLDER = "imported";

export const importedKeySchema = createKeyInputSchema
  .extend({
    hash: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, { message: "Must be the SHA-256 of the key, as 64 hex characters" })
      // Stored hashes are lowercase: an uppercase hash would never match a presented key.
      .transform((s) => s.toLowerCase()),
    start: z
      .string()
      .max(20)
      .regex(/^[\x21-\x7e]+$/, { message: "Printable ASCII without spaces" })
      .optional()
      .describe(`The key's first characters, for display; "${IMPORTED_START_PLACEHOLDER}" when absent`),
  })
  // A plaintext pasted as `start` would be stored; a secret is only ever stored as its hash.
  .refine((k) => k.start === undefined || hashKey(k.start) !== k.hash, {
    path: ["start"],
    message: "start must be the beginning of the key, not the key itself",
  });

export const importKeysInputSchema = z.strictObject({
  keys: z.array(importedKeySchema).min(1).max(MAX_IMPORT_KEYS),
});

type ImportedKeyInput = z.output<typeof importedKeySchema>;

function conflict(indexes: number[], message: string): KeywardError {
  return new KeywardError("CONFLICT", message, { index: indexes[0], indexes });
}

/**
 * Imports keys by hash in one transaction: every key and its `key.imported` audit event is
 * written, or none is. A hash already in use (by any company: hashes are globally unique) or
 * repeated in the batch is a CONFLICT naming its index in `keys`. It is the same answer whoever
 * holds the hash, naming no holder, so it does not tell another tenant's key from one's own. (That
 * the hash is taken cannot be hidden without a false 201; and only who already has a key's SHA-256
 * can ask, since hashes of 256-bit secrets cannot be guessed.)
 */
export async function importKeys(
  db: Db,
  companyId: string,
  keys: ImportedKeyInput[],
  actor: Actor,
): Promise<PublicKey[]> {
  // As for created keys, a caller cannot grant scopes it lacks.
  assertMayManageKeys(
    actor,
    keys.flatMap((k) => k.scopes),
  );
  const firstIndex = new Map<string, number>();
  const repeated: number[] = [];
  keys.forEach((k, i) => {
    if (firstIndex.has(k.hash)) repeated.push(i);
    else firstIndex.set(k.hash, i);
  });
  if (repeated.length > 0) {
    throw conflict(repeated, `keys[${repeated[0]}].hash appears earlier in the same request`);
  }
  try {
    return await db.$transaction(
      async (tx) => {
        // The audit chain's company lock first, so concurrent imports queue here instead of racing.
        await tx.$queryRaw`SELECT id FROM companies WHERE id = ${companyId}::uuid FOR NO KEY UPDATE`;
        const taken = await tx.apiKey.findMany({
          where: { hash: { in: [...firstIndex.keys()] } },
          select: { hash: true },
        });
        if (taken.length > 0) {
          const indexes = taken.map((t) => firstIndex.get(t.hash) ?? -1).sort((a, b) => a - b);
          throw conflict(indexes, `keys[${indexes[0]}].hash is already in use`);
        }
        const rows = await tx.apiKey.createManyAndReturn({
          data: keys.map((k) => ({
            companyId,
            name: k.name,
            hash: k.hash,
            start: k.start ?? IMPORTED_START_PLACEHOLDER,
            environment: k.environment,
            scopes: [...new Set(k.scopes)].sort(),
            expiresAt: k.expiresAt ?? null,
            ipAllowlist: k.ipAllowlist ?? [],
            rateLimit: k.rateLimit?.limit ?? null,
            rateLimitWindowSeconds: k.rateLimit?.windowSeconds ?? null,
            metadata: (k.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
            imported: true,
            createdByUserId: actor.type === "user" ? actor.id : null,
            createdByKeyId: actor.type === "key" ? actor.id : null,
          })),
        });
        // RETURNING order is not promised: answer in the order of the request.
        const byHash = new Map(rows.map((row) => [row.hash, row]));
        const ordered = keys.map((k) => byHash.get(k.hash)).filter((row) => row !== undefined);
        await appendAuditEvents(
          tx,
          companyId,
          ordered.map((row) => ({
            companyId,
            actor,
            action: "key.imported",
            targetType: "key",
            targetId: row.id,
            keyId: row.id,
            fingerprint: fingerprintOf(row.hash),
            metadata: { name: row.name, environment: row.environment, scopes: row.scopes },
          })),
        );
        return ordered.map((row) => toPublicKey(row));
      },
      // A thousand keys on the embedded database can outlast Prisma's 5 s default.
      { timeout: 60_000, maxWait: 10_000 },
    );
  } catch (error) {
    // Another import committed the same hash between our check and our insert.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new KeywardError("CONFLICT", "A key with one of these hashes already exists");
    }
    throw error;
  }
}

/**
 * `POST /v1/keys/import`: brings keys of another system over by their SHA-256 hash, so their
 * holders keep using them unchanged. As for created keys, a caller cannot grant scopes it lacks.
 */
export const importKeysRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, verifier }) => {
  app.post(
    "/v1/keys/import",
    {
      bodyLimit: IMPORT_BODY_LIMIT_BYTES,
      config: { auth: { scopes: ["keys:write"] } },
      schema: {
        tags: ["keys"],
        summary: "Import keys by hash",
        body: importKeysInputSchema,
        response: { 201: z.object({ data: z.array(publicKeySchema) }) },
      },
    },
    async (request, reply) => {
      const imported = await importKeys(db, companyOf(request), request.body.keys, actorOf(request));
      // A holder may have tried the key moments ago: drop this replica's "unknown key" memory of it.
      for (const key of request.body.keys) verifier.invalidateHash(key.hash);
      return reply.status(201).send({ data: imported });
    },
  );
};
