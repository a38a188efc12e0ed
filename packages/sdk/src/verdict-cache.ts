// Verdicts this service already got from Keyward, reused while nothing about the key changed.
// Entries are per key, then per (required scopes, IP): a verdict depends on those inputs only.
// The change stream evicts a key by id the moment Keyward says it changed (revoked, rotated,
// updated, its company suspended or deleted), so the map from key id to key is kept too.
import type { Verdict } from "./types.js";

interface CachedVerdict {
  verdict: Verdict;
  /** When this verdict stops being reusable: the key's own end, or the cache's maximum age. */
  until: number;
}

interface KeyEntry {
  keyId: string;
  byInputs: Map<string, CachedVerdict>;
}

/** Codes that hold until the key changes or its time runs out (a rate limit's does not: never cached). */
const LASTING_CODES = new Set([
  "VALID",
  "EXPIRED",
  "REVOKED",
  "COMPANY_SUSPENDED",
  "INSUFFICIENT_SCOPE",
  "IP_NOT_ALLOWED",
]);

/** Whether a verdict may be reused: a known key without a rate limit, whose answer lasts. */
export function isCacheable(verdict: Verdict): boolean {
  return verdict.keyId !== undefined && verdict.ratelimit === undefined && LASTING_CODES.has(verdict.code);
}

/** The part of the cache key besides the key itself. Scopes are joined as given: a route passes the same list each time. */
export function inputsOf(requiredScopes: readonly string[] | undefined, ip: string | undefined): string {
  return `${requiredScopes === undefined ? "" : requiredScopes.join(" ")}|${ip ?? ""}`;
}

export class VerdictCache {
  readonly #maxKeys: number;
  readonly #maxAgeMs: number;
  /** Insertion-ordered, so the first entry is the oldest (evicted first when full). */
  readonly #byKey = new Map<string, KeyEntry>();
  readonly #keyOfId = new Map<string, string>();

  constructor(opts: { maxKeys: number; maxAgeMs: number }) {
    this.#maxKeys = opts.maxKeys;
    this.#maxAgeMs = opts.maxAgeMs;
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** The verdict for these inputs, while it holds at `now`. */
  get(key: string, inputs: string, now: number): Verdict | undefined {
    const cached = this.#byKey.get(key)?.byInputs.get(inputs);
    if (cached === undefined) return undefined;
    if (now < cached.until) return cached.verdict;
    this.#byKey.get(key)?.byInputs.delete(inputs);
    return undefined;
  }

  set(key: string, inputs: string, verdict: Verdict, now: number): void {
    const keyId = verdict.keyId as string;
    let entry = this.#byKey.get(key);
    if (entry === undefined) {
      if (this.#byKey.size >= this.#maxKeys) this.#evictOldest();
      entry = { keyId, byInputs: new Map() };
      this.#byKey.set(key, entry);
      this.#keyOfId.set(keyId, key);
    }
    const ends = verdict.valid && verdict.expiresAt ? Date.parse(verdict.expiresAt) : Number.POSITIVE_INFINITY;
    entry.byInputs.set(inputs, { verdict: Object.freeze(verdict), until: Math.min(ends, now + this.#maxAgeMs) });
  }

  /** Forgets every verdict of the key with this id (Keyward said it changed). */
  evictKeyId(keyId: string): void {
    const key = this.#keyOfId.get(keyId);
    if (key === undefined) return;
    this.#keyOfId.delete(keyId);
    this.#byKey.delete(key);
  }

  clear(): void {
    this.#byKey.clear();
    this.#keyOfId.clear();
  }

  #evictOldest(): void {
    const oldest = this.#byKey.entries().next();
    if (oldest.done) return;
    const [key, entry] = oldest.value;
    this.#byKey.delete(key);
    this.#keyOfId.delete(entry.keyId);
  }
}
