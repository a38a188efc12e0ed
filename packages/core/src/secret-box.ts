// Secrets kept at rest (the API's signing keys, webhook secrets, the guard secret) are sealed with
// AES-256-GCM under KEYWARD_ENCRYPTION_KEY: `v1.<iv>.<ciphertext>.<tag>` (base64url), the purpose as
// additional data, so a sealed value bound to one row or company does not open in another. The API
// and the dashboard both seal and open through this one module, so they must share the key.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export interface SecretBox {
  seal(plaintext: string, purpose: string): string;
  /** The plaintext, or null when it was sealed under another key or purpose, or was altered. */
  unseal(sealed: string, purpose: string): string | null;
}

const VERSION = "v1";
export const ENCRYPTION_KEY_BYTES = 32;
const IV_BYTES = 12;

/** Where the API keeps the key it generates on a production start without KEYWARD_ENCRYPTION_KEY. */
export const ENCRYPTION_KEY_FILE = "encryption-key";

/** Outside production, every process uses these fixed bytes, so replicas and the dashboard read each other's rows. */
export const DEVELOPMENT_ENCRYPTION_KEY = createHash("sha256")
  .update("keyward development encryption key, not a secret")
  .digest();

/** 32 bytes from 64 hex chars or base64/base64url, else null. */
export function decodeEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, "base64")
      : null;
  return bytes?.length === ENCRYPTION_KEY_BYTES ? bytes : null;
}

export function aesSecretBox(key: Buffer): SecretBox {
  return {
    seal(plaintext, purpose) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(purpose));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv, ciphertext, cipher.getAuthTag()]
        .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
        .join(".");
    },
    unseal(sealed, purpose) {
      const [version, iv, ciphertext, tag] = sealed.split(".");
      if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch {
        return null;
      }
    },
  };
}
