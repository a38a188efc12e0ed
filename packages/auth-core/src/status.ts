/** A key's displayed status is derived from its timestamps, never stored (SPEC §2). */

export type KeyStatus = "active" | "expiring" | "expired" | "revoked";

export interface KeyTimestamps {
  revokedAt: Date | null;
  expiresAt: Date | null;
  graceEndsAt: Date | null;
}

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
