// Per-key rate limits in fixed windows. With Redis the counters are shared by every replica through
// rate-limiter-flexible's atomic Redis script; if Redis fails, each replica falls back to its own
// in-memory windows (logged loudly) and goes back to Redis as soon as it answers again. Without Redis
// only the in-memory windows run.
import type { KeyRecord, RateLimitDecision, RateLimiter } from "@keyward/auth-core";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";

// Counters are keyed by key id and window, never by the limit: changing a key's limit keeps its
// count, so the limit is compared here rather than configured into the limiter.
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

interface Window {
  endsAt: number;
  count: number;
}

/**
 * Fixed windows in this process's memory, answered synchronously: the same windows as
 * rate-limiter-flexible's (a key's window opens at its first request), without its memory limiter's
 * promise, result object and per-key timer on every request, which bench figure 1 measured at more
 * than the request's SHA-256. Expired windows are swept once per window length.
 */
export class LocalWindows {
  readonly #bySeconds = new Map<number, Map<string, Window>>();
  #sweepAt = 0;

  consume(id: string, windowSeconds: number, now: number, cost = 1): Window {
    let windows = this.#bySeconds.get(windowSeconds);
    if (windows === undefined) {
      windows = new Map();
      this.#bySeconds.set(windowSeconds, windows);
    }
    if (now >= this.#sweepAt) this.#sweep(now);
    const window = windows.get(id);
    if (window !== undefined && window.endsAt > now) {
      window.count += cost;
      return window;
    }
    const opened = { endsAt: now + windowSeconds * 1000, count: cost };
    windows.set(id, opened);
    return opened;
  }

  /** Open windows, for tests. */
  size(): number {
    let n = 0;
    for (const windows of this.#bySeconds.values()) n += windows.size;
    return n;
  }

  #sweep(now: number): void {
    let shortest = Number.POSITIVE_INFINITY;
    for (const [seconds, windows] of this.#bySeconds) {
      shortest = Math.min(shortest, seconds * 1000);
      for (const [id, window] of windows) if (window.endsAt <= now) windows.delete(id);
    }
    this.#sweepAt = now + Math.min(shortest, 60_000);
  }
}

export class KeyRateLimiter implements RateLimiter {
  readonly #local = new LocalWindows();
  readonly #shared = new Map<number, RateLimiterRedis>();
  readonly #redis: Redis | null;
  readonly #log: FastifyBaseLogger;
  readonly #prefix: string;
  readonly #now: () => number;
  #degraded = false;

  constructor(opts: { redis: Redis | null; log: FastifyBaseLogger; prefix?: string; now?: () => number }) {
    this.#redis = opts.redis;
    this.#log = opts.log;
    this.#prefix = opts.prefix ?? "keyward:rl";
    this.#now = opts.now ?? Date.now;
  }

  consume(key: KeyRecord, cost = 1): RateLimitDecision | Promise<RateLimitDecision> {
    const rule = key.rateLimit;
    if (!rule) return { allowed: true, limit: 0, remaining: 0, resetSeconds: 0 };
    if (this.#redis === null) return this.#consumeLocally(key, cost);
    return this.#consumeShared(key, cost, this.#redis);
  }

  #consumeLocally(key: KeyRecord, cost: number): RateLimitDecision {
    const rule = key.rateLimit as NonNullable<KeyRecord["rateLimit"]>;
    const now = this.#now();
    const window = this.#local.consume(key.id, rule.windowSeconds, now, cost);
    return decision(rule.limit, window.count, window.endsAt - now);
  }

  async #consumeShared(key: KeyRecord, cost: number, redis: Redis): Promise<RateLimitDecision> {
    const rule = key.rateLimit as NonNullable<KeyRecord["rateLimit"]>;
    let res: RateLimiterRes;
    try {
      res = await this.#sharedLimiter(rule.windowSeconds, redis).consume(key.id, cost);
    } catch {
      // Never a refusal (the points are unbounded): Redis is not ready or the command failed.
      this.#noteBackend(true);
      return this.#consumeLocally(key, cost);
    }
    this.#noteBackend(false);
    return decision(rule.limit, res.consumedPoints, res.msBeforeNext);
  }

  #sharedLimiter(windowSeconds: number, redis: Redis): RateLimiterRedis {
    let limiter = this.#shared.get(windowSeconds);
    if (limiter === undefined) {
      limiter = new RateLimiterRedis({
        storeClient: redis,
        points: UNBOUNDED,
        duration: windowSeconds,
        keyPrefix: this.#prefix,
        rejectIfRedisNotReady: true,
      });
      this.#shared.set(windowSeconds, limiter);
    }
    return limiter;
  }

  /** Says once when limits stop being shared (Redis down) and once when they are shared again. */
  #noteBackend(degraded: boolean): void {
    if (degraded === this.#degraded) return;
    this.#degraded = degraded;
    if (degraded) this.#log.error("Redis unreachable: rate limits are now per replica until it returns");
    else this.#log.warn("Redis is back: rate limits are shared by all replicas again");
  }
}

function decision(limit: number, used: number, msLeft: number): RateLimitDecision {
  return {
    allowed: used <= limit,
    limit,
    remaining: Math.max(0, limit - used),
    resetSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
  };
}
