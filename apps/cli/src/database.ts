import { resolveDatabase, resolveDataDir } from "@keyward/db";
import { loadEnv } from "./env";

/** DATABASE_URL, else the embedded database that `pnpm start` serves, else one opened just for this command. */
export async function openDatabase() {
  const env = loadEnv();
  return resolveDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
    startIfNeeded: true,
  });
}
