// Email-and-password logins, one path for the API (POST /v1/auth/login) and the dashboard's sign-in.
// Each attempt is counted BEFORE its password is checked, so parallel guesses cannot outrun the
// limits, and given back when it succeeds. Three counters, in this order:
//   per IP             spraying many accounts from one address
//   per account + IP   guessing one account from one address: blocks that pair only, so the owner
//                      still signs in from anywhere else
//   per account        guessing one account from many addresses: slower (10× the pair's points over
//                      4 windows), so one IP alone can spend at most 40% of it
// An attempt refused by one counter is not counted by those after it. Counts live in Redis when
// a client is given (shared by every replica and by both front doors, same keys), else in memory.
import { PASSWORD_HASHING, type PasswordHashing } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { SessionUser } from "../companies/setup";
import { type SignUpCheck, type SignUpInput, signUp } from "./sign-up";
import { authenticateUser, type UserCheck } from "./users";

/** Counts attempts per key (an IP, an account…) against a limit. */
export interface AttemptCounter {
  /** Counts one attempt before it is checked: the milliseconds to wait when it is over the limit, else 0. */
  take(key: string): Promise<number>;
  /** Gives a counted attempt back: it succeeded. */
  giveBack(key: string): Promise<void>;
}

export interface AttemptLimit {
  points: number;
  windowSeconds: number;
}

/** A counter in Redis (with an in-memory stand-in while Redis is unreachable), or in memory. */
export function attemptCounter(opts: { redis: unknown; prefix: string; limit: AttemptLimit }): AttemptCounter {
  const { points, windowSeconds: duration } = opts.limit;
  const memory = new RateLimiterMemory({ keyPrefix: opts.prefix, points, duration });
  const limiter = opts.redis
    ? new RateLimiterRedis({
        storeClient: opts.redis,
        keyPrefix: opts.prefix,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  return {
    async take(key) {
      // Counting that fails even in memory lets the attempt through: a broken counter must not lock everyone out.
      const res = await limiter.penalty(key, 1).catch(() => null);
      return res !== null && res.consumedPoints > points ? Math.max(1, res.msBeforeNext) : 0;
    },
    async giveBack(key) {
      await limiter.reward(key, 1).catch(() => undefined);
    },
  };
}

export interface PasswordLoginLimits {
  perIp: AttemptLimit;
  perAccountAndIp: AttemptLimit;
  perAccount: AttemptLimit;
}

export const LOGIN_FAILURES_PER_ACCOUNT_AND_IP = 10;
export const LOGIN_FAILURES_PER_IP = 50;

/** The limits for a window (LOGIN_THROTTLE_WINDOW_SECONDS, default 15 minutes). */
export function passwordLoginLimits(windowSeconds = 15 * 60): PasswordLoginLimits {
  return {
    perIp: { points: LOGIN_FAILURES_PER_IP, windowSeconds },
    perAccountAndIp: { points: LOGIN_FAILURES_PER_ACCOUNT_AND_IP, windowSeconds },
    perAccount: { points: 10 * LOGIN_FAILURES_PER_ACCOUNT_AND_IP, windowSeconds: 4 * windowSeconds },
  };
}

export type LoginOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "refused" | "suspended" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

export type SignUpOutcome = SignUpCheck | { ok: false; reason: "throttled"; retryAfterMs: number };

export interface PasswordLoginsOptions {
  db: Db;
  /** An ioredis client: counts are shared by every replica, the API's and the dashboard's logins alike. */
  redis?: unknown;
  limits?: PasswordLoginLimits;
  /** The per-IP counter, when the caller has one already (the API's, shared with refused keys). */
  perIp?: AttemptCounter;
  /** What password hashes should be made with (default OWASP's); only tests pass cheaper parameters. */
  hashing?: PasswordHashing;
}

export class PasswordLogins {
  readonly #db: Db;
  readonly #hashing: PasswordHashing;
  readonly #perIp: AttemptCounter;
  readonly #perAccountAndIp: AttemptCounter;
  readonly #perAccount: AttemptCounter;

  constructor(opts: PasswordLoginsOptions) {
    const limits = opts.limits ?? passwordLoginLimits();
    const redis = opts.redis ?? null;
    this.#db = opts.db;
    this.#hashing = opts.hashing ?? PASSWORD_HASHING;
    this.#perIp = opts.perIp ?? attemptCounter({ redis, prefix: "keyward:login:ip", limit: limits.perIp });
    this.#perAccountAndIp = attemptCounter({
      redis,
      prefix: "keyward:login:account-ip",
      limit: limits.perAccountAndIp,
    });
    this.#perAccount = attemptCounter({ redis, prefix: "keyward:login:account", limit: limits.perAccount });
  }

  /**
   * Checks `password` for `email` unless a limit is reached. `ip` null (unknown) shares one pair
   * per account. Throws when the database fails (the attempt is given back).
   */
  async attempt(input: {
    email: string;
    password: string;
    ip: string | null;
    /** The company to sign in to (id or name); default the user's first. */
    company?: string;
  }): Promise<LoginOutcome> {
    const counted = await this.#count(input.email, input.ip);
    if (!counted.ok) return counted;
    const { giveBack } = counted;

    let check: UserCheck;
    try {
      check = await authenticateUser(this.#db, input.email.trim().toLowerCase(), input.password, {
        hashing: this.#hashing,
        ...(input.company === undefined ? {} : { company: input.company }),
      });
    } catch (error) {
      await giveBack();
      throw error;
    }
    // The password was right for a suspended company: not a guess, so the attempt is given back.
    if (!check.ok && check.reason === "refused") return check;
    await giveBack();
    return check;
  }

  /**
   * A self-service sign-up (users/sign-up.ts), through the same three counters as a login to the
   * same account: it checks the password of an existing account, so it must not be a faster way to
   * guess one. Never given back, even when it succeeds: each one creates a company, so one address
   * signs up at most as many companies per window as it may fail logins.
   */
  async signUp(input: SignUpInput & { ip: string | null }): Promise<SignUpOutcome> {
    const counted = await this.#count(input.email, input.ip);
    if (!counted.ok) return counted;
    const { companyName, email, password } = input;
    try {
      return await signUp(this.#db, { companyName, email, password }, { hashing: this.#hashing });
    } catch (error) {
      await counted.giveBack();
      throw error;
    }
  }

  /** Counts one attempt on `email` from `ip` with every counter, in order; stops at the first that refuses. */
  async #count(
    email: string,
    ip: string | null,
  ): Promise<
    { ok: true; giveBack: () => Promise<unknown> } | { ok: false; reason: "throttled"; retryAfterMs: number }
  > {
    const account = email.trim().toLowerCase();
    const from = ip ?? "unknown";
    // An IP never holds "|", so the pair's key cannot be forged from another pair's parts.
    const steps: [AttemptCounter, string][] = [
      [this.#perIp, from],
      [this.#perAccountAndIp, `${from}|${account}`],
      [this.#perAccount, account],
    ];
    const taken: [AttemptCounter, string][] = [];
    for (const [counter, key] of steps) {
      const waitMs = await counter.take(key);
      if (waitMs > 0) return { ok: false, reason: "throttled", retryAfterMs: waitMs };
      taken.push([counter, key]);
    }
    return { ok: true, giveBack: () => Promise.all(taken.map(([counter, key]) => counter.giveBack(key))) };
  }
}
