import { createDb, type Db, resolveDatabase, resolveDataDir } from "@keyward/db";
import { migrate } from "@keyward/db/migrate";
import { loadEnv } from "./env";
import { cliErrorFromCore } from "./errors";

/** DATABASE_URL, else the embedded database that `pnpm start` serves, else one opened just for this command. */
export async function openDatabase() {
  const env = loadEnv();
  return resolveDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
    startIfNeeded: true,
  });
}

/**
 * Runs `work` on the migrated database, for the commands whose authority is host access (setup,
 * companies, operators, operator keys): whoever can reach the database runs the installation.
 * Core's refusals become exit codes; `flags` names the option behind each input field.
 */
export async function withHostDatabase<T>(work: (db: Db) => Promise<T>, flags?: Record<string, string>): Promise<T> {
  const database = await openDatabase();
  const db = createDb(database.url, { maxConnections: 2 });
  try {
    await migrate(database.url);
    return await work(db);
  } catch (error) {
    throw cliErrorFromCore(error, flags);
  } finally {
    await db.$disconnect();
    await database.release();
  }
}
