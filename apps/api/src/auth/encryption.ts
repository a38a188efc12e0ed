// Secrets the API must keep at rest (the private JWK of its signing keys) are sealed with
// AES-256-GCM under KEYWARD_ENCRYPTION_KEY. Sealed text: `v1.<iv>.<ciphertext>.<tag>` (base64url);
// the additional data binds a sealed value to its purpose and row, so rows cannot be swapped.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import type { Env } from "../env";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
export const ENCRYPTION_KEY_FILE = "encryption-key";
// Stable so every development/test process, and every replica of one, reads the others' rows.
const DEVELOPMENT_KEY = createHash("sha256").update("keyward development encryption key, not a secret").digest();

/** 32 bytes from 64 hex chars or base64/base64url, else null. */
export function decodeEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, "base64")
      : null;
  return bytes?.length === KEY_BYTES ? bytes : null;
}

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
    return DEVELOPMENT_KEY;
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
  writeFileSync(temp, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600 });
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
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** The plaintext, or null when the text was sealed under another key or purpose, or was altered. */
export function unseal(key: Buffer, sealed: string, purpose: string): string | null {
  const [version, iv, ciphertext, tag] = sealed.split(".");
  if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
