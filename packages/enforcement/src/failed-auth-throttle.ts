// Throttles clients that keep sending bad credentials, so nobody can enumerate keys: after
// `limit` refusals from one IP within `windowSeconds`, that IP gets 429 until the window ends.
// Failures are counted in Redis when configured (shared by replicas); the block itself is
// remembered locally, so well-behaved requests pay nothing for this check.
// Password logins count here too, before the password is checked (take/giveBack, see @keyward/db's
// PasswordLogins); keys are cheap to check, so their refusals are recorded after.
import type { AttemptCounter } from "@keyward/core";
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

const MAX_TRACKED_BLOCKS = 100_000;

export class FailedAuthThrottle implements AttemptCounter {
  readonly #counter: RateLimiterAbstract;
  readonly #limit: number;
  readonly #blockedUntil = new Map<string, number>();

  constructor(opts: { redis: Redis | null; limit: number; windowSeconds: number }) {
    this.#limit = opts.limit;
    const memory = new RateLimiterMemory({
      points: opts.limit,
      duration: opts.windowSeconds,
      keyPrefix: "keyward:authfail",
    });
    this.#counter = opts.redis
      ? new RateLimiterRedis({
          storeClient: opts.redis,
          points: opts.limit,
          duration: opts.windowSeconds,
          keyPrefix: "keyward:authfail",
          rejectIfRedisNotReady: true,
          insuranceLimiter: memory,
        })
      : memory;
  }

  /** Seconds the IP must wait, or 0 when it may try. */
  blockedFor(ip: string): number {
    const until = this.#blockedUntil.get(ip);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.#blockedUntil.delete(ip);
    return 0;
  }

  async recordFailure(ip: string): Promise<void> {
    const res = await this.#counter.penalty(ip, 1).catch(() => null);
    if (!res || res.consumedPoints < this.#limit) return;
    this.#block(ip, res.msBeforeNext);
  }

  /** Counts an attempt before its credential is checked: milliseconds to wait when over the limit, else 0. */
  async take(ip: string): Promise<number> {
    const blocked = this.blockedFor(ip);
    if (blocked > 0) return blocked * 1000;
    const res = await this.#counter.penalty(ip, 1).catch(() => null);
    if (!res || res.consumedPoints <= this.#limit) return 0;
    this.#block(ip, res.msBeforeNext);
    return Math.max(1, res.msBeforeNext);
  }

  /** Gives back an attempt counted by `take`: its credential was good. */
  async giveBack(ip: string): Promise<void> {
    await this.#counter.reward(ip, 1).catch(() => undefined);
  }

  #block(ip: string, ms: number): void {
    if (this.#blockedUntil.size >= MAX_TRACKED_BLOCKS) this.#blockedUntil.clear();
    this.#blockedUntil.set(ip, Date.now() + ms);
  }
}
