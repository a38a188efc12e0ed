/** A key's displayed status is derived from its timestamps, never stored (docs/api.md#keys). */

export const KEY_STATUSES = ["active", "expiring", "expired", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export interface KeyTimestamps {
  revokedAt: Date | null;
  expiresAt: Date | null;
  graceEndsAt: Date | null;
}

/** A key this close to its expiry shows as `expiring` (and the key list's status filter agrees). */
export const EXPIRING_WITHIN_MS = 7 * 24 * 60 * 60 * 1000;

export function deriveKeyStatus(k: KeyTimestamps, now: Date = new Date()): KeyStatus {
  const t = now.getTime();
  if (k.revokedAt !== null) return "revoked";
  if (isReached(k.expiresAt, t) || isReached(k.graceEndsAt, t)) return "expired";
  // A key in its rotation grace period is on its way out whatever its own expiry says.
  if (k.graceEndsAt !== null) return "expiring";
  if (k.expiresAt !== null && k.expiresAt.getTime() - t <= EXPIRING_WITHIN_MS) return "expiring";
  return "active";
}

/** The one definition of "expired" shared with the verifier: at the instant itself, it is over. */
export function isReached(deadline: Date | null, nowMs: number): boolean {
  return deadline !== null && deadline.getTime() <= nowMs;
}
