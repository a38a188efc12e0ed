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
// A user with two-factor sign-in on (two-factor.ts) gives a code in the same attempt: asked for
// only once the password was right (and that attempt given back: it was no guess), a wrong code
// counts like a wrong password, so codes cannot be guessed any faster than passwords.
import { KeywardError, PASSWORD_HASHING, type PasswordHashing } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { SessionUser } from "../companies/setup";
import type { SecretBox } from "../secret-box";
import { type SignUpCheck, type SignUpInput, signUp } from "./sign-up";
import { checkSecondFactor, regenerateRecoveryCodes, removeTwoFactor, twoFactorEnabled } from "./two-factor";
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
  /** The password was right; the account's second factor is needed too (`bad_code`: the one given was wrong or used). */
  | { ok: false; reason: "code_required" | "bad_code" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

export type CodeOutcome =
  | { ok: true }
  | { ok: false; reason: "bad_code" }
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
  /** Opens the authenticator seeds of two-factor sign-in (the key the API and the dashboard share). */
  secretBox?: SecretBox;
}

export class PasswordLogins {
  readonly #db: Db;
  readonly #hashing: PasswordHashing;
  readonly #box: SecretBox | null;
  readonly #perIp: AttemptCounter;
  readonly #perAccountAndIp: AttemptCounter;
  readonly #perAccount: AttemptCounter;

  constructor(opts: PasswordLoginsOptions) {
    const limits = opts.limits ?? passwordLoginLimits();
    const redis = opts.redis ?? null;
    this.#db = opts.db;
    this.#hashing = opts.hashing ?? PASSWORD_HASHING;
    this.#box = opts.secretBox ?? null;
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
    /** An authenticator or recovery code, for an account with two-factor sign-in on. */
    code?: string;
  }): Promise<LoginOutcome> {
    const counted = await this.#count(input.email, input.ip);
    if (!counted.ok) return counted;
    const { giveBack } = counted;

    let check: UserCheck;
    let second: "off" | "ok" | "bad_code" | "code_required" = "off";
    try {
      check = await authenticateUser(this.#db, input.email.trim().toLowerCase(), input.password, {
        hashing: this.#hashing,
        ...(input.company === undefined ? {} : { company: input.company }),
      });
      if (check.ok) second = await this.#secondFactor(check.user.id, input.code);
    } catch (error) {
      await giveBack();
      throw error;
    }
    if (!check.ok && check.reason === "refused") return check;
    // A wrong code is a guess: its attempt stays counted.
    if (second === "bad_code") return { ok: false, reason: "bad_code" };
    // The password was right (for a suspended company, or without the code yet): not a guess, so given back.
    await giveBack();
    return second === "code_required" ? { ok: false, reason: "code_required" } : check;
  }

  /**
   * Turns two-factor sign-in off for a user who proves both factors (the password and a code or
   * recovery code) in one throttled attempt.
   */
  async turnOffTwoFactor(input: {
    email: string;
    password: string;
    code: string;
    ip: string | null;
    company?: string;
  }): Promise<LoginOutcome> {
    const outcome = await this.attempt(input);
    if (outcome.ok) await removeTwoFactor(this.#db, outcome.user.id);
    return outcome;
  }

  /**
   * Ten new recovery codes for a signed-in user who gives a current authenticator code (not a
   * recovery code: regenerating proves the app is still theirs), counted like a login to `email`.
   */
  async regenerateRecoveryCodes(input: {
    userId: string;
    email: string;
    code: string;
    ip: string | null;
  }): Promise<CodeOutcome & { recoveryCodes?: string[] }> {
    const counted = await this.#count(input.email, input.ip);
    if (!counted.ok) return counted;
    let check: Awaited<ReturnType<typeof checkSecondFactor>>;
    try {
      check = await checkSecondFactor(this.#db, this.#requireBox(), {
        userId: input.userId,
        code: input.code,
        recovery: false,
      });
    } catch (error) {
      await counted.giveBack();
      throw error;
    }
    if (check !== "ok") return { ok: false, reason: "bad_code" };
    await counted.giveBack();
    return { ok: true, recoveryCodes: await regenerateRecoveryCodes(this.#db, input.userId) };
  }

  /** The second factor of a user whose password was right: "off" when they have none. */
  async #secondFactor(userId: string, code: string | undefined): Promise<"off" | "ok" | "bad_code" | "code_required"> {
    if (!(await twoFactorEnabled(this.#db, userId))) return "off";
    if (code === undefined || code.trim() === "") return "code_required";
    return checkSecondFactor(this.#db, this.#requireBox(), { userId, code });
  }

  #requireBox(): SecretBox {
    if (this.#box === null) throw new KeywardError("SERVICE_UNAVAILABLE", "No key to open authenticator seeds");
    return this.#box;
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
