import { createDb, type Db, resolveDatabase, resolveDataDir } from "@keyward/db";
import { env } from "@/env";

// One client per server process, kept on globalThis because Next may evaluate this module once per bundle.
const holder = globalThis as typeof globalThis & { keywardDb?: Promise<Db> };

/**
 * The dashboard's database client, created on first use. Without DATABASE_URL it connects to the
 * embedded database served by `pnpm start` (never starts one itself: PGlite allows one process per folder).
 */
export function getDb(): Promise<Db> {
  holder.keywardDb ??= connect().catch((error: unknown) => {
    // Not cached: the embedded server may simply not be up yet; the next request tries again.
    holder.keywardDb = undefined;
    throw error;
  });
  return holder.keywardDb;
}

async function connect(): Promise<Db> {
  const database = await resolveDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
    startIfNeeded: false,
  });
  return createDb(database.url);
}
