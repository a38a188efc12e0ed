// Slows password guessing on the login form: after too many failed sign-ins for one email, or from one
// IP, within the window, every attempt (even with the right password) is refused until the window ends.
// In memory on purpose: the dashboard is a single process (SPEC §5), so there is nothing to share;
// a restart forgets the counters, which only ever makes the throttle more lenient.
import { RateLimiterMemory } from "rate-limiter-flexible";
import { env } from "@/env";

/** Failed sign-ins one email may have per window before it is refused. */
export const MAX_FAILURES_PER_EMAIL = 10;
/** Higher than per email: one office behind one NAT shares an IP; this catches spraying many emails. */
export const MAX_FAILURES_PER_IP = 50;

interface Limiters {
  byEmail: RateLimiterMemory;
  byIp: RateLimiterMemory;
}

// Kept on globalThis because Next may evaluate this module once per bundle (server action, route handler).
const holder = globalThis as typeof globalThis & { keywardLoginThrottle?: Limiters };

function limiters(): Limiters {
  holder.keywardLoginThrottle ??= {
    byEmail: new RateLimiterMemory({
      keyPrefix: "login:email",
      points: MAX_FAILURES_PER_EMAIL,
      duration: env.LOGIN_THROTTLE_WINDOW_SECONDS,
    }),
    byIp: new RateLimiterMemory({
      keyPrefix: "login:ip",
      points: MAX_FAILURES_PER_IP,
      duration: env.LOGIN_THROTTLE_WINDOW_SECONDS,
    }),
  };
  return holder.keywardLoginThrottle;
}

export interface LoginAttempt {
  email: string;
  /** Null when unknown: the email limit still applies. */
  ip: string | null;
}

const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * Counts this attempt before the password is checked, so parallel guesses cannot slip past the
 * limit; `loginSucceeded` gives the point back. Returns the milliseconds to wait, or 0 to go ahead.
 */
export async function beginLoginAttempt(attempt: LoginAttempt): Promise<number> {
  const { byEmail, byIp } = limiters();
  const results = await Promise.all([
    byEmail.penalty(emailKey(attempt.email), 1),
    attempt.ip ? byIp.penalty(attempt.ip, 1) : null,
  ]);
  const limits = [MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP];
  let waitMs = 0;
  results.forEach((res, i) => {
    if (res && res.consumedPoints > (limits[i] ?? 0)) waitMs = Math.max(waitMs, res.msBeforeNext);
  });
  return waitMs;
}

/** A correct password clears the email's failures and does not count against the IP. */
export async function loginSucceeded(attempt: LoginAttempt): Promise<void> {
  const { byEmail, byIp } = limiters();
  await Promise.all([byEmail.delete(emailKey(attempt.email)), attempt.ip ? byIp.reward(attempt.ip, 1) : null]);
}

/** "Too many attempts, try again in 3 minutes." — rounded up, never "0 minutes". */
export function throttledMessage(waitMs: number): string {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
