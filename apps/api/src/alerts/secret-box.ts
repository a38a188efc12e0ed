// Webhook secrets at rest: sealed with the API's KEYWARD_ENCRYPTION_KEY (AES-256-GCM, auth/encryption.ts),
// bound to their company by the purpose string, so a sealed value copied to another tenant's rule does not open.
import type { SecretBox } from "@keyward/db";
import { seal, unseal } from "../auth/encryption";

export function createSecretBox(encryptionKey: Buffer): SecretBox {
  return {
    seal: (plaintext, purpose) => seal(encryptionKey, plaintext, purpose),
    unseal: (sealed, purpose) => unseal(encryptionKey, sealed, purpose),
  };
}
