// The dashboard's sign-in is throttled by the same PasswordLogins as the API's POST /v1/auth/login
// (@keyward/db password-login.ts): each attempt counted before its password is checked, per IP, per
// account and IP (so a guesser cannot lock the owner out from elsewhere), and per account. With
// REDIS_URL the counts are the API's own (same keys), so alternating between the two doors gains nothing.
import { aesSecretBox, PasswordLogins, passwordLoginLimits, type SecretBox } from "@keyward/core";
import { Redis } from "ioredis";
import { env } from "@/env";
import { getDb } from "@/server/db";
import { sealingKey } from "@/server/sealing-key";

// Kept on globalThis because Next may evaluate this module once per bundle (server action, route handler).
const holder = globalThis as typeof globalThis & { keywardPasswordLogins?: Promise<PasswordLogins> };

export function passwordLogins(): Promise<PasswordLogins> {
  holder.keywardPasswordLogins ??= getDb().then(
    (db) =>
      new PasswordLogins({
        db,
        redis: env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null,
        limits: passwordLoginLimits(env.LOGIN_THROTTLE_WINDOW_SECONDS),
        secretBox: twoFactorBox(),
      }),
    (error: unknown) => {
      // Not cached: the database may simply not be up yet; the next sign-in tries again.
      holder.keywardPasswordLogins = undefined;
      throw error;
    },
  );
  return holder.keywardPasswordLogins;
}

/** "Too many attempts, try again in 3 minutes." — rounded up, never "0 minutes". */
export function throttledMessage(waitMs: number): string {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

/** The secret box of authenticator seeds; the key is resolved when first used, as the API's may be written after this starts. */
export function twoFactorBox(): SecretBox {
  const box = (): SecretBox => {
    const { key, refusal } = sealingKey();
    if (key === null) throw new Error(refusal.error);
    return aesSecretBox(key);
  };
  return {
    seal: (plaintext, purpose) => box().seal(plaintext, purpose),
    unseal: (sealed, purpose) => box().unseal(sealed, purpose),
  };
}
