// The one cache of the codebase, for every "read once, then memory" of the enforcement path: the
// verifier's keys, the API's key states, company names and memberships.
//
// ExpiringCache bounds its entries (the least recently used go first) and each entry carries its own
// expiry, checked against a clock reading the caller passes in: the verifier reads the clock once
// per request anyway, and lru-cache's own TTL tracking cost a clock read and its bookkeeping on
// every hit (bench figure 1). A hit allocates nothing. An expired entry stays until it is replaced
// or evicted, so a caller may still fall back to the last value read (`peek`) when a re-read fails.
//
// SharedReads makes concurrent misses of one key share one store read, and keeps a read that an
// invalidation overtook out of the cache: a revoke that lands while a read of the old state is in
// flight must not be undone when that read returns.
import { LRUCache } from "lru-cache";

/** What an entry of an ExpiringCache carries: the clock reading from which it no longer answers. */
export interface Expiring {
  readonly expiresAt: number;
}

export class ExpiringCache<K extends {}, V extends Expiring> {
  readonly #entries: LRUCache<K, V>;

  /** `onDrop` is told of every entry that leaves: deleted, evicted, replaced or cleared. */
  constructor(opts: { max: number; onDrop?: (value: V, key: K) => void }) {
    this.#entries = new LRUCache<K, V>({ max: opts.max, dispose: opts.onDrop });
  }

  /** The entry, if it has not expired at `now` (it then counts as recently used). */
  get(key: K, now: number): V | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.expiresAt > now ? entry : undefined;
  }

  /** The entry as stored, expired or not, without touching its recency. */
  peek(key: K): V | undefined {
    return this.#entries.peek(key);
  }

  set(key: K, entry: V): void {
    this.#entries.set(key, entry);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** Tells a read whether an invalidation happened since it started (then its result must not be cached). */
export type StillCurrent = () => boolean;

export class SharedReads<K, V> {
  readonly #pending = new Map<K, Promise<V>>();
  /** Bumped by every invalidation, so a read that started before one knows it is stale. */
  #generation = 0;

  /**
   * The read of `key` in flight, else a new one by `read` (with `fresh`, a new one in any case, which
   * later callers then share). `read` caches its result only while `stillCurrent()` says so.
   */
  read(key: K, read: (stillCurrent: StillCurrent) => Promise<V>, opts?: { fresh?: boolean }): Promise<V> {
    if (opts?.fresh !== true) {
      const pending = this.#pending.get(key);
      if (pending !== undefined) return pending;
    }
    const generation = this.#generation;
    const started = read(() => generation === this.#generation).finally(() => {
      if (this.#pending.get(key) === started) this.#pending.delete(key);
    });
    this.#pending.set(key, started);
    return started;
  }

  /** After `key` changed: later callers read again, and reads in flight (of any key) cache nothing. */
  forget(key: K): void {
    this.#generation++;
    this.#pending.delete(key);
  }

  /** After a change whose key is not known (or everything changed): no read in flight is shared or cached. */
  forgetAll(): void {
    this.#generation++;
    this.#pending.clear();
  }
}
