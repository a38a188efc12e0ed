// Starts the API: the database from DATABASE_URL, else the embedded one served by `pnpm start`
// (or, when run alone, started in this process), migrated before the port opens.
import { createDb, resolveDatabase, resolveDataDir } from "@keyward/db";
import { migrate } from "@keyward/db/migrate";
import { Redis } from "ioredis";
import { buildApp } from "./app";
import { loadEnv } from "./env";

const env = loadEnv();
const database = await resolveDatabase({
  databaseUrl: env.DATABASE_URL,
  dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
  startIfNeeded: true,
});
await migrate(database.url);
const db = createDb(database.url);
const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 }) : null;
const app = await buildApp({ db, env, redis });

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, "shutting down");
  // Connections that finish a request after close() began stay open as idle keep-alives, and
  // close() waits for them; closing idle ones as they appear lets in-flight requests finish first.
  setInterval(() => app.server.closeIdleConnections(), 100).unref();
  await app.close();
  await db.$disconnect();
  redis?.disconnect();
  await database.release();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

await app.listen({ port: env.API_PORT, host: env.API_HOST });
