// The guard's shared secret: generated here, kept sealed with KEYWARD_ENCRYPTION_KEY (never in
// plaintext in a row, a log or an audit event). The dashboard and the guard process both open it
// through here, so the sealing and the key resolution exist once.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KeywardError } from "@keyward/auth-core";
import { aesSecretBox, DEVELOPMENT_ENCRYPTION_KEY, decodeEncryptionKey, ENCRYPTION_KEY_FILE } from "../secret-box";

/** The shortest secret the guard takes from a flag, a file or the environment. */
export const MIN_GUARD_SECRET_LENGTH = 16;

/**
 * The encryption key, resolved as the API resolves it (apps/api/src/auth/encryption.ts):
 * KEYWARD_ENCRYPTION_KEY; else outside production the fixed development key; else the key file the
 * API writes into the data directory on its first production start (`pnpm start` runs the API first).
 */
export function resolveGuardEncryptionKey(opts: {
  encryptionKey: string | undefined;
  nodeEnv: string | undefined;
  dataDir: string;
}): Buffer {
  if (opts.encryptionKey) {
    const key = decodeEncryptionKey(opts.encryptionKey);
    if (key === null) throw new Error("KEYWARD_ENCRYPTION_KEY must be 32 bytes, base64 or hex");
    return key;
  }
  if (opts.nodeEnv !== "production") return DEVELOPMENT_ENCRYPTION_KEY;
  try {
    const key = decodeEncryptionKey(readFileSync(join(opts.dataDir, ENCRYPTION_KEY_FILE), "utf8"));
    if (key !== null) return key;
  } catch {
    // fall through to the error below
  }
  throw new KeywardError(
    "SERVICE_UNAVAILABLE",
    "No encryption key: set KEYWARD_ENCRYPTION_KEY (the same value as the API's) to keep the guard secret",
  );
}

// Sealed in the one SecretBox format (AES-256-GCM, `v1.<iv>.<ciphertext>.<tag>`), bound to the company.
const purpose = (companyId: string) => `guard-secret:${companyId}`;

export function sealGuardSecret(key: Buffer, companyId: string, secret: string): string {
  return aesSecretBox(key).seal(secret, purpose(companyId));
}

/** The secret, or null when it was sealed under another key or for another company. */
export function unsealGuardSecret(key: Buffer, companyId: string, sealed: string): string | null {
  return aesSecretBox(key).unseal(sealed, purpose(companyId));
}

/** 32 random bytes, base64url: what the dashboard generates. */
export function generateGuardSecret(): string {
  return randomBytes(32).toString("base64url");
}
