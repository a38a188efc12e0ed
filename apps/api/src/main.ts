// Starts the API: the database from DATABASE_URL, else the embedded one served by `pnpm start`
// (or, when run alone, started in this process), migrated before the port opens; with KEYWARD_TLS on,
// the certificate is in hand (read, or obtained by ACME) before the port opens too.
import type { AddressInfo } from "node:net";
import { aesSecretBox } from "@keyward/core";
import { createDb, resolveDatabase, resolveDataDir } from "@keyward/db";
import { migrate } from "@keyward/db/migrate";
import { createKeywardServer, databaseAcmeStore, plainHttpExposure, startTls, tlsSettings } from "@keyward/tls";
import { Redis } from "ioredis";
import pino from "pino";
import { buildApp } from "./app";
import { resolveEncryptionKey } from "./auth/encryption";
import { type Env, loadEnv } from "./env";

/** Ends the start with the operator's sentence, not a stack trace: a setting is wrong or unsafe. */
function refuse(error: unknown): never {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

let env: Env;
try {
  env = loadEnv();
} catch (error) {
  refuse(error);
}
const log = pino({ level: env.LOG_LEVEL });
const tls = tlsSettings(env);
try {
  const warning = plainHttpExposure({
    settings: tls,
    host: env.API_HOST,
    port: env.API_PORT,
    service: "The API",
    nodeEnv: env.NODE_ENV,
  });
  if (warning) log.warn(warning);
} catch (error) {
  refuse(error);
}
const dataDir = resolveDataDir(env.KEYWARD_DATA_DIR);
const database = await resolveDatabase({ databaseUrl: env.DATABASE_URL, dataDir, startIfNeeded: true });
await migrate(database.url);
const db = createDb(database.url);
const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 }) : null;
let listeningPort: number | undefined;
const certificates = await startTls({
  settings: tls,
  log: { info: (message) => log.info(message), error: (message) => log.error(message) },
  host: env.API_HOST,
  httpsPort: () => listeningPort,
  store: tls.mode === "auto" ? databaseAcmeStore(db, aesSecretBox(resolveEncryptionKey(env, dataDir, log))) : null,
});
const app = await buildApp({
  db,
  env,
  redis,
  server: {
    create: (handler) => createKeywardServer(certificates?.source ?? null, handler),
    https: certificates !== null,
  },
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, "shutting down");
  // Connections that finish a request after close() began stay open as idle keep-alives, and
  // close() waits for them; closing idle ones as they appear lets in-flight requests finish first.
  setInterval(() => app.server.closeIdleConnections(), 100).unref();
  await app.close();
  await certificates?.stop();
  await db.$disconnect();
  redis?.disconnect();
  await database.release();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

await app.listen({ port: env.API_PORT, host: env.API_HOST });
listeningPort = (app.server.address() as AddressInfo).port;
