// The dashboard's share of KEYWARD_TLS=auto (@keyward/tls): the certificate lives in the database,
// its key sealed with the same KEYWARD_ENCRYPTION_KEY as the API's. Loaded by server.ts only in auto
// mode; the client is the one the app itself uses (db.ts keeps it on globalThis, and Next runs in
// server.ts's process).
import { aesSecretBox, resolveGuardEncryptionKey } from "@keyward/core";
import { resolveDataDir } from "@keyward/db";
import { type AcmeStore, databaseAcmeStore } from "@keyward/tls";
import { env } from "@/env";
import { getDb } from "@/server/db";

export async function dashboardAcmeStore(): Promise<AcmeStore> {
  const key = resolveGuardEncryptionKey({
    encryptionKey: env.KEYWARD_ENCRYPTION_KEY,
    nodeEnv: env.NODE_ENV,
    dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
  });
  return databaseAcmeStore(await getDb(), aesSecretBox(key));
}
