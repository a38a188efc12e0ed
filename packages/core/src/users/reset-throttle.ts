// Forgotten-password requests are throttled like logins (password-login.ts's counters, in Redis when
// given), with their own counts: each request may send an email, so per IP and per account, and a
// flood of requests never spends the account's login attempts (which would lock its owner out).
import { type AttemptCounter, attemptCounter } from "./password-login";

export const RESET_REQUESTS_PER_IP = 20;
export const RESET_REQUESTS_PER_ACCOUNT = 5;

export class PasswordResetThrottle {
  readonly #perIp: AttemptCounter;
  readonly #perAccount: AttemptCounter;

  constructor(opts: { redis?: unknown; windowSeconds?: number }) {
    const windowSeconds = opts.windowSeconds ?? 15 * 60;
    const redis = opts.redis ?? null;
    this.#perIp = attemptCounter({
      redis,
      prefix: "keyward:reset:ip",
      limit: { points: RESET_REQUESTS_PER_IP, windowSeconds },
    });
    this.#perAccount = attemptCounter({
      redis,
      prefix: "keyward:reset:account",
      limit: { points: RESET_REQUESTS_PER_ACCOUNT, windowSeconds },
    });
  }

  /** Counts one request; the milliseconds to wait when over a limit, else 0. Never given back. */
  async take(email: string, ip: string | null): Promise<number> {
    const wait = await this.#perIp.take(ip ?? "unknown");
    if (wait > 0) return wait;
    return this.#perAccount.take(email.trim().toLowerCase());
  }
}
