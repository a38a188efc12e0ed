// Per-key rate limits within one process, exact because every request passes through this one
// counter (rate-limiter-flexible's in-memory limiter). Shared limits over Redis come with REDIS_URL.
import type { KeyRecord, RateLimitDecision, RateLimiter } from "@keyward/auth-core";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export class MemoryRateLimiter implements RateLimiter {
  // One limiter per distinct (limit, window); keyed by key id inside it, so changing a key's limit
  // moves it to another limiter rather than resetting anything shared.
  private readonly limiters = new Map<string, RateLimiterMemory>();

  async consume(key: KeyRecord): Promise<RateLimitDecision> {
    const rule = key.rateLimit;
    if (!rule) return { allowed: true, limit: 0, remaining: 0, resetSeconds: 0 };
    const id = `${rule.limit}/${rule.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: rule.limit, duration: rule.windowSeconds });
      this.limiters.set(id, limiter);
    }
    try {
      const res = await limiter.consume(key.id, 1);
      return {
        allowed: true,
        limit: rule.limit,
        remaining: res.remainingPoints,
        resetSeconds: Math.ceil(res.msBeforeNext / 1000),
      };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return {
        allowed: false,
        limit: rule.limit,
        remaining: 0,
        resetSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      };
    }
  }
}
