// A fixed-window quota per company for an action that costs more than a request, such as sending a
// test alert (which makes Keyward call the company's webhooks). Counted in Redis when configured, so
// all replicas share one count; while Redis does not answer, each replica counts in memory.
import type { RateLimitDecision } from "@keyward/auth-core";
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export class CompanyQuota {
  readonly #limiter: RateLimiterAbstract;
  readonly #points: number;

  constructor(opts: { redis: Redis | null; name: string; points: number; windowSeconds: number }) {
    this.#points = opts.points;
    const keyPrefix = `keyward:quota:${opts.name}`;
    const memory = new RateLimiterMemory({ points: opts.points, duration: opts.windowSeconds, keyPrefix });
    this.#limiter = opts.redis
      ? new RateLimiterRedis({
          storeClient: opts.redis,
          points: opts.points,
          duration: opts.windowSeconds,
          keyPrefix,
          rejectIfRedisNotReady: true,
          insuranceLimiter: memory,
        })
      : memory;
  }

  /** Takes one from the company's quota; `allowed: false` when it is used up. */
  async take(companyId: string): Promise<RateLimitDecision> {
    let res: RateLimiterRes;
    try {
      res = await this.#limiter.consume(companyId, 1);
    } catch (rejected) {
      // rate-limiter-flexible rejects with the result when the points are used up.
      if (!(rejected instanceof RateLimiterRes)) throw rejected;
      res = rejected;
    }
    return {
      allowed: res.consumedPoints <= this.#points,
      limit: this.#points,
      remaining: Math.max(0, this.#points - res.consumedPoints),
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
  }
}
