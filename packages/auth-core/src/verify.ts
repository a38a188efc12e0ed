import { type Expiring, ExpiringCache, SharedReads, type StillCurrent } from "./cache";
import { compileAllowlist, type IpMatcher } from "./ip";
import { type Environment, fingerprintOf, hashKey, isWellFormedKey } from "./keys";
import { missingScopes } from "./scopes";
import { isReached } from "./status";

/**
 * The enforcement path of docs/architecture.md, top to bottom in `KeyVerifier.verify`:
 *
 *   parse + checksum → SHA-256 → cache (miss: one store query, shared by
 *   concurrent callers) → revoked → expired / grace over → IP allowlist →
 *   scopes → rate limit → VALID
 *
 * Unknown hashes are cached too (negative cache), in their own LRU so a flood of
 * random well-formed keys cannot evict the keys that real clients use.
 *
 * A key in use is re-read in the background before its entry expires (refresh-ahead, once it is
 * 50–60% of the TTL old, spread so keys loaded together are not re-read together): without it every
 * busy key makes one request a minute wait for the store, and keys loaded in one burst (a restart)
 * expire in one burst, which bench figure 2 measured as throughput collapsing every minute. A key
 * used less often than every ~25 s still expires between uses, as before.
 */

export interface KeyRecord {
  id: string;
  /** null for an operator key: it belongs to no company (docs/companies.md). */
  companyId: string | null;
  /** The key's company is suspended by the operator: every use is refused until it is resumed. */
  companySuspended: boolean;
  name: string;
  hash: string;
  environment: Environment;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  graceEndsAt: Date | null;
  ipAllowlist: string[];
  rateLimit: { limit: number; windowSeconds: number } | null;
  /** The company's own data about the key (null for none): handed to the services that verify it. */
  metadata: Record<string, unknown> | null;
}

/** A key that belongs to a company (every key but an operator's). */
export type CompanyKeyRecord = KeyRecord & { companyId: string };

export function isCompanyKey(key: KeyRecord): key is CompanyKeyRecord {
  return key.companyId !== null;
}

export interface KeyStore {
  findByHash(hash: string): Promise<KeyRecord | null>;
  /** The keys among these hashes that exist (any order); lets background re-reads share a query. */
  findManyByHash?(hashes: readonly string[]): Promise<KeyRecord[]>;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface RateLimiter {
  /** Takes `cost` points (1 for a request) from the key's current window. */
  consume(key: KeyRecord, cost?: number): Promise<RateLimitDecision> | RateLimitDecision;
}

export type VerifyCode =
  | "VALID"
  | "MALFORMED"
  | "NOT_FOUND"
  | "EXPIRED"
  | "REVOKED"
  | "COMPANY_SUSPENDED"
  | "INSUFFICIENT_SCOPE"
  | "IP_NOT_ALLOWED"
  | "RATE_LIMITED";

/** Called for every verification of a known key, allowed or refused; synchronous, in memory. */
export interface UsageRecorder {
  record(key: KeyRecord, code: VerifyCode, ip: string | undefined): void;
}

export interface VerifyOptions {
  requiredScopes?: readonly string[];
  ip?: string;
  /**
   * Only keys of this company exist for this call (the verify endpoint): another company's key is
   * NOT_FOUND before any check, so nothing of it is judged, counted or rate limited.
   */
  companyId?: string;
  /** Rate-limit points this request takes (1 unless the caller says one request weighs more); usage counts one request. */
  cost?: number;
}

export type VerifyResult =
  | { valid: true; code: "VALID"; key: KeyRecord; fingerprint: string; ratelimit?: RateLimitDecision }
  | {
      valid: false;
      code: Exclude<VerifyCode, "VALID">;
      key?: KeyRecord;
      fingerprint?: string;
      missing?: string[];
      ratelimit?: RateLimitDecision;
    };

export interface KeyVerifierOptions {
  store: KeyStore;
  rateLimiter?: RateLimiter;
  usage?: UsageRecorder;
  cacheTtlMs?: number;
  /** Age after which a use of a cached key re-reads it in the background; null: never (entries just expire). */
  refreshAfterMs?: number | null;
  negativeCacheTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export interface VerifierStats {
  hits: number;
  misses: number;
  negativeHits: number;
  storeQueries: number;
}

/** What the checks after the cache step need about a key. */
export interface CheckableKey {
  key: KeyRecord;
  fingerprint: string;
  allowsIp: IpMatcher;
}

/** What a cache hit needs, computed once per store read instead of once per request. */
interface KnownKey extends CheckableKey, Expiring {
  /** When a use should start a background re-read (verifier clock); Infinity once one has started. */
  refreshAt: number;
}

const REFRESH_BATCH_DELAY_MS = 50;
const MAX_INTERNED_COMPANIES = 10_000;
const REFRESH_BATCH_MAX = 500;

const ofCompany = (known: CheckableKey, opts: VerifyOptions) =>
  opts.companyId === undefined || known.key.companyId === opts.companyId;

const MALFORMED: VerifyResult = Object.freeze({ valid: false, code: "MALFORMED" });
const NOT_FOUND: VerifyResult = Object.freeze({ valid: false, code: "NOT_FOUND" });

export class KeyVerifier {
  readonly stats: VerifierStats = { hits: 0, misses: 0, negativeHits: 0, storeQueries: 0 };

  readonly #store: KeyStore;
  readonly #rateLimiter: RateLimiter | undefined;
  readonly #usage: UsageRecorder | undefined;
  readonly #now: () => number;
  readonly #refreshAfterMs: number;
  readonly #refreshSpreadMs: number;
  readonly #known: ExpiringCache<string, KnownKey>;
  /** Hashes the store does not know. */
  readonly #unknown: ExpiringCache<string, Expiring>;
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #hashById = new Map<string, string>();
  /** Store reads in flight; an invalidation keeps a read that started before it out of the cache. */
  readonly #reads = new SharedReads<string, KnownKey | null>();
  readonly #companyIds = new Map<string, string>();
  /** Entries due for a batched re-read, by hash. */
  #refreshQueue = new Map<string, KnownKey>();
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: KeyVerifierOptions) {
    this.#store = opts.store;
    this.#rateLimiter = opts.rateLimiter;
    this.#usage = opts.usage;
    this.#now = opts.now ?? Date.now;
    const max = opts.maxEntries ?? 200_000;
    const ttl = opts.cacheTtlMs ?? 60_000;
    this.#ttlMs = ttl;
    this.#negativeTtlMs = opts.negativeCacheTtlMs ?? 10_000;
    this.#refreshAfterMs = opts.refreshAfterMs === null ? Number.POSITIVE_INFINITY : (opts.refreshAfterMs ?? 0.5 * ttl);
    this.#refreshSpreadMs = 0.1 * ttl;
    // Each entry carries its own expiry, checked against the clock verify() reads anyway (cache.ts).
    this.#known = new ExpiringCache<string, KnownKey>({
      max,
      onDrop: (entry, hash) => {
        if (this.#hashById.get(entry.key.id) === hash) this.#hashById.delete(entry.key.id);
      },
    });
    this.#unknown = new ExpiringCache<string, Expiring>({ max });
  }

  verify(rawKey: unknown, opts: VerifyOptions = {}): Promise<VerifyResult> {
    if (!isWellFormedKey(rawKey)) return Promise.resolve(MALFORMED);
    const hash = hashKey(rawKey);

    const now = this.#now();
    const known = this.#fromCache(hash, now);
    if (known === undefined) {
      return this.#load(hash).then((loaded) =>
        loaded === null || !ofCompany(loaded, opts) ? NOT_FOUND : this.check(loaded, opts),
      );
    }
    if (known === null || !ofCompany(known, opts)) return Promise.resolve(NOT_FOUND);
    if (known.refreshAt <= now) this.#refreshInBackground(hash, known);
    return this.check(known, opts, now);
  }

  /**
   * The checks after the cache step (status, expiry, IP, scopes, rate limit), with the usage count
   * of the outcome. `verify` runs them on the key it found; the API runs them on the key behind a
   * token, whose granted scopes (`scopes`) may be fewer than the key's.
   */
  async check(
    known: CheckableKey,
    opts: VerifyOptions & { scopes?: readonly string[] } = {},
    now = this.#now(),
  ): Promise<VerifyResult> {
    const { key } = known;

    if (key.revokedAt !== null) return this.#refuse(known, "REVOKED", opts.ip);
    if (key.companySuspended) return this.#refuse(known, "COMPANY_SUSPENDED", opts.ip);

    if (isReached(key.expiresAt, now) || isReached(key.graceEndsAt, now)) {
      return this.#refuse(known, "EXPIRED", opts.ip);
    }

    // A key with an allowlist refuses callers whose IP is unknown.
    if (key.ipAllowlist.length > 0 && (opts.ip === undefined || !known.allowsIp(opts.ip))) {
      return this.#refuse(known, "IP_NOT_ALLOWED", opts.ip);
    }

    if (opts.requiredScopes !== undefined && opts.requiredScopes.length > 0) {
      const missing = missingScopes(opts.scopes ?? key.scopes, opts.requiredScopes);
      if (missing.length > 0) return this.#refuse(known, "INSUFFICIENT_SCOPE", opts.ip, { missing });
    }

    let ratelimit: RateLimitDecision | undefined;
    if (this.#rateLimiter !== undefined && key.rateLimit !== null) {
      // An in-memory limiter answers synchronously: awaiting only a real promise saves a microtask turn.
      const decision = this.#rateLimiter.consume(key, opts.cost ?? 1);
      ratelimit = decision instanceof Promise ? await decision : decision;
      if (!ratelimit.allowed) return this.#refuse(known, "RATE_LIMITED", opts.ip, { ratelimit });
    }

    this.#usage?.record(key, "VALID", opts.ip);
    const valid: VerifyResult = { valid: true, code: "VALID", key, fingerprint: known.fingerprint };
    if (ratelimit !== undefined) valid.ratelimit = ratelimit;
    return valid;
  }

  invalidateHash(hash: string): void {
    this.#reads.forget(hash);
    this.#known.delete(hash);
    this.#unknown.delete(hash);
  }

  invalidateKeyId(keyId: string): void {
    // The id of an in-flight read is not known yet: none of them may be cached.
    this.#reads.forgetAll();
    const hash = this.#hashById.get(keyId);
    if (hash !== undefined) this.#known.delete(hash);
  }

  clear(): void {
    this.#reads.forgetAll();
    this.#known.clear();
    this.#unknown.clear();
    this.#hashById.clear();
  }

  /** undefined: not cached; null: cached as unknown. */
  #fromCache(hash: string, now: number): KnownKey | null | undefined {
    const known = this.#known.get(hash, now);
    if (known !== undefined) {
      this.stats.hits++;
      return known;
    }
    if (this.#unknown.get(hash, now) !== undefined) {
      this.stats.negativeHits++;
      return null;
    }
    this.stats.misses++;
    return undefined;
  }

  /**
   * This request is answered from the cache; the re-read replaces the entry (or drops it) when it
   * lands. With a batch reader, keys due within REFRESH_BATCH_DELAY_MS share one query: 10,000 busy
   * keys re-read one by one cost the API more CPU than serving them (bench figure 2).
   */
  #refreshInBackground(hash: string, known: KnownKey): void {
    known.refreshAt = Number.POSITIVE_INFINITY;
    if (this.#store.findManyByHash === undefined) {
      // A failed re-read leaves the entry to expire; the first use after that reads the store itself.
      this.#load(hash).catch(() => {});
      return;
    }
    this.#refreshQueue.set(hash, known);
    if (this.#refreshQueue.size >= REFRESH_BATCH_MAX) this.#refreshBatch();
    else this.#refreshTimer ??= setTimeout(() => this.#refreshBatch(), REFRESH_BATCH_DELAY_MS).unref();
  }

  #refreshBatch(): void {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    const batch = this.#refreshQueue;
    this.#refreshQueue = new Map();
    this.stats.storeQueries++;
    (this.#store.findManyByHash as NonNullable<KeyStore["findManyByHash"]>)([...batch.keys()]).then(
      (keys) => {
        const loadedAt = this.#now();
        const found = new Map(keys.map((key) => [key.hash, key]));
        for (const [hash, refreshed] of batch) {
          // An entry invalidated (or reloaded) meanwhile is no longer the one this read refreshes.
          if (this.#known.peek(hash) !== refreshed) continue;
          const key = found.get(hash);
          if (key === undefined) {
            this.#known.delete(hash);
            this.#unknown.set(hash, { expiresAt: loadedAt + this.#negativeTtlMs });
          } else {
            this.#remember(hash, this.#entryFor(hash, key, loadedAt));
          }
        }
      },
      // A failed re-read leaves the entries to expire; the first use after that reads the store itself.
      () => {},
    );
  }

  #entryFor(hash: string, key: KeyRecord, loadedAt: number): KnownKey {
    // 100,000 cached keys hold 100,000 copies of a few company ids, and each key's hash twice (the
    // cache's key and the record's): share one instance of each (bench figure 9, memory).
    key.hash = hash;
    key.companyId = this.#interned(key.companyId);
    return {
      key,
      fingerprint: fingerprintOf(hash),
      allowsIp: compileAllowlist(key.ipAllowlist),
      refreshAt: loadedAt + this.#refreshAfterMs + Math.random() * this.#refreshSpreadMs,
      expiresAt: loadedAt + this.#ttlMs,
    };
  }

  #interned(companyId: string | null): string | null {
    if (companyId === null) return null;
    const known = this.#companyIds.get(companyId);
    if (known !== undefined) return known;
    if (this.#companyIds.size >= MAX_INTERNED_COMPANIES) this.#companyIds.clear();
    this.#companyIds.set(companyId, companyId);
    return companyId;
  }

  #remember(hash: string, known: KnownKey): void {
    this.#known.set(hash, known);
    this.#hashById.set(known.key.id, hash);
  }

  #load(hash: string): Promise<KnownKey | null> {
    return this.#reads.read(hash, (stillCurrent) => this.#query(hash, stillCurrent));
  }

  async #query(hash: string, stillCurrent: StillCurrent): Promise<KnownKey | null> {
    this.stats.storeQueries++;
    const key = await this.#store.findByHash(hash);
    const loadedAt = this.#now();
    const known = key === null ? null : this.#entryFor(hash, key, loadedAt);
    if (!stillCurrent()) return known;
    if (known === null) {
      // Also ends a cached entry whose key a background re-read found gone.
      this.#known.delete(hash);
      this.#unknown.set(hash, { expiresAt: loadedAt + this.#negativeTtlMs });
    } else {
      this.#remember(hash, known);
    }
    return known;
  }

  #refuse(
    known: CheckableKey,
    code: Exclude<VerifyCode, "VALID" | "MALFORMED" | "NOT_FOUND">,
    ip: string | undefined,
    extra?: { missing?: string[]; ratelimit?: RateLimitDecision },
  ): VerifyResult {
    this.#usage?.record(known.key, code, ip);
    return { valid: false, code, key: known.key, fingerprint: known.fingerprint, ...extra };
  }
}
