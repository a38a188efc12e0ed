// The dashboard's share of KEYWARD_TLS=auto (@keyward/tls): the certificate lives in the database,
// its key sealed with the same KEYWARD_ENCRYPTION_KEY as the API's. Loaded by server.ts only in auto
// mode; the client is the one the app itself uses (db.ts keeps it on globalThis, and Next runs in
// server.ts's process).
import { aesSecretBox, resolveGuardEncryptionKey, type SecretBox } from "@keyward/core";
import { resolveDataDir } from "@keyward/db";
import { type AcmeStore, databaseAcmeStore } from "@keyward/tls";
import { env } from "@/env";
import { getDb } from "@/server/db";

export async function dashboardAcmeStore(): Promise<AcmeStore> {
  // The key is resolved when first needed, inside the ACME source's retry loop: on a production start
  // without KEYWARD_ENCRYPTION_KEY the API writes its key file at about the same moment, and a dashboard
  // that looked first tries again rather than refusing.
  let box: SecretBox | undefined;
  const opened = () => {
    box ??= aesSecretBox(
      resolveGuardEncryptionKey({
        encryptionKey: env.KEYWARD_ENCRYPTION_KEY,
        nodeEnv: env.NODE_ENV,
        dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
      }),
    );
    return box;
  };
  return databaseAcmeStore(await getDb(), {
    seal: (plaintext, purpose) => opened().seal(plaintext, purpose),
    unseal: (sealed, purpose) => opened().unseal(sealed, purpose),
  });
}
