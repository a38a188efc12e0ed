import { resolveGuardEncryptionKey } from "@keyward/core";
import { resolveDataDir } from "@keyward/db";
import { env } from "@/env";
import { type Refusal, refuse } from "@/server/member-action";

/**
 * The key that seals the guard secret and webhook signing secrets, the same as the API's, or the
 * refusal that says how to configure one.
 */
export function sealingKey(): { key: Buffer; refusal: null } | { key: null; refusal: Refusal } {
  try {
    const key = resolveGuardEncryptionKey({
      encryptionKey: env.KEYWARD_ENCRYPTION_KEY,
      nodeEnv: env.NODE_ENV,
      dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
    });
    return { key, refusal: null };
  } catch (error) {
    return { key: null, refusal: refuse((error as Error).message) };
  }
}
