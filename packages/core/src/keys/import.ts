// Importing keys of another system by their SHA-256 hash, so their holders keep using them unchanged.
import { fingerprintOf, KeywardError } from "@keyward/auth-core";
import { type Db, Prisma } from "@keyward/db";
import { type Actor, appendAuditEvents } from "../audit/append";
import { assertMayManageKeys } from "./grant";
import { type PublicKey, toPublicKey } from "./public-key";
import { keyRowSettings } from "./rows";
import { IMPORTED_START_PLACEHOLDER, type ImportedKeyInput } from "./schemas";

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
            ...keyRowSettings(companyId, k, actor),
            hash: k.hash,
            start: k.start ?? IMPORTED_START_PLACEHOLDER,
            imported: true,
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
