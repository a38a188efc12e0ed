// Secrets the API must keep at rest (the private JWK of its signing keys, webhook secrets) are sealed
// by @keyward/db's secret box (AES-256-GCM under KEYWARD_ENCRYPTION_KEY, one format for the API and
// the dashboard). This module decides which key that is.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  aesSecretBox,
  DEVELOPMENT_ENCRYPTION_KEY,
  decodeEncryptionKey,
  ENCRYPTION_KEY_BYTES,
  ENCRYPTION_KEY_FILE,
} from "@keyward/core";
import type { FastifyBaseLogger } from "fastify";
import type { Env } from "../env";

/**
 * KEYWARD_ENCRYPTION_KEY when set. Otherwise, in development and test, a fixed key (with a
 * warning); in production (which `pnpm start` uses) a random key generated once into
 * `<data dir>/encryption-key`, so a single-machine install keeps working across restarts.
 */
export function resolveEncryptionKey(env: Env, dataDir: string, log: FastifyBaseLogger): Buffer {
  if (env.KEYWARD_ENCRYPTION_KEY !== undefined) {
    const key = decodeEncryptionKey(env.KEYWARD_ENCRYPTION_KEY);
    if (key === null) throw new Error("KEYWARD_ENCRYPTION_KEY must be 32 bytes, base64 or hex");
    return key;
  }
  if (env.NODE_ENV !== "production") {
    log.warn("KEYWARD_ENCRYPTION_KEY is not set: using the fixed development key; set it in production");
    return DEVELOPMENT_ENCRYPTION_KEY;
  }
  const file = join(dataDir, ENCRYPTION_KEY_FILE);
  const key = readOrCreateKeyFile(file);
  log.warn(
    { file },
    "KEYWARD_ENCRYPTION_KEY is not set: using the key file in the data directory; replicas on other machines need the same KEYWARD_ENCRYPTION_KEY",
  );
  return key;
}

function readOrCreateKeyFile(file: string): Buffer {
  try {
    return parseKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(join(file, ".."), { recursive: true });
  // Write aside, then link: the link either publishes a complete file or fails because another process won.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temp, `${randomBytes(ENCRYPTION_KEY_BYTES).toString("base64")}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
  return parseKeyFile(file);
}

function parseKeyFile(file: string): Buffer {
  const key = decodeEncryptionKey(readFileSync(file, "utf8"));
  if (key === null) throw new Error(`${file} does not hold a 32-byte key (base64 or hex)`);
  return key;
}

export function seal(key: Buffer, plaintext: string, purpose: string): string {
  return aesSecretBox(key).seal(plaintext, purpose);
}

/** The plaintext, or null when the text was sealed under another key or purpose, or was altered. */
export function unseal(key: Buffer, sealed: string, purpose: string): string | null {
  return aesSecretBox(key).unseal(sealed, purpose);
}

export { decodeEncryptionKey, ENCRYPTION_KEY_FILE };
