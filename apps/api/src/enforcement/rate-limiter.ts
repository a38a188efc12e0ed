// Per-key rate limits (fixed windows, rate-limiter-flexible). With Redis the counters are shared by
// every replica through one atomic Redis script; if Redis fails, each replica falls back to its
// own in-memory counters (logged loudly) and goes back to Redis as soon as it answers again.
import type { KeyRecord, RateLimitDecision, RateLimiter } from "@keyward/auth-core";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterRes,
} from "rate-limiter-flexible";

// Counters are keyed by key id and window, never by the limit: changing a key's limit keeps its
// count, so the limit is compared here rather than configured into the limiter.
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

export class KeyRateLimiter implements RateLimiter {
  readonly #limiters = new Map<number, RateLimiterAbstract>();
  readonly #redis: Redis | null;
  readonly #log: FastifyBaseLogger;
  #degraded = false;

  constructor(opts: { redis: Redis | null; log: FastifyBaseLogger; prefix?: string }) {
    this.#redis = opts.redis;
    this.#log = opts.log;
    this.#prefix = opts.prefix ?? "keyward:rl";
  }

  readonly #prefix: string;

  #limiterFor(windowSeconds: number): RateLimiterAbstract {
    let limiter = this.#limiters.get(windowSeconds);
    if (limiter) return limiter;
    const memory = new RateLimiterMemory({ points: UNBOUNDED, duration: windowSeconds, keyPrefix: this.#prefix });
    limiter = this.#redis
      ? new RateLimiterRedis({
          storeClient: this.#redis,
          points: UNBOUNDED,
          duration: windowSeconds,
          keyPrefix: this.#prefix,
          rejectIfRedisNotReady: true,
          insuranceLimiter: memory,
        })
      : memory;
    this.#limiters.set(windowSeconds, limiter);
    return limiter;
  }

  async consume(key: KeyRecord): Promise<RateLimitDecision> {
    const rule = key.rateLimit;
    if (!rule) return { allowed: true, limit: 0, remaining: 0, resetSeconds: 0 };
    const res: RateLimiterRes = await this.#limiterFor(rule.windowSeconds).consume(key.id, 1);
    this.#noteBackend();
    const used = res.consumedPoints;
    return {
      allowed: used <= rule.limit,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - used),
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
  }

  /** Says once when limits stop being shared (Redis down) and once when they are shared again. */
  #noteBackend(): void {
    if (!this.#redis) return;
    const degraded = this.#redis.status !== "ready";
    if (degraded === this.#degraded) return;
    this.#degraded = degraded;
    if (degraded) this.#log.error("Redis unreachable: rate limits are now per replica until it returns");
    else this.#log.warn("Redis is back: rate limits are shared by all replicas again");
  }
}
