// The SDK's verifier. A request's key is judged, fastest first:
//   1. its checksum, with no network: garbage and typos are NOT_FOUND at once;
//   2. a cached verdict for the same key, scopes and IP, while the change stream is live: no
//      network either (usage is counted and reported in batches);
//   3. `POST /v1/keys/verify`, whose verdict is cached when it lasts (a known key without a rate
//      limit: a limited key is always judged by Keyward, where the count every instance shares lives).
// Freshness: the change stream evicts a changed key within Keyward's own propagation time (the key
// change log is polled every 100 ms), so a revoked key is refused within a second. While the
// stream is down, verdicts come from Keyward; if Keyward itself is unreachable, cached verdicts
// keep answering for `offlineGraceMs` after the stream was lost, and an unknown key is UNAVAILABLE.
// Keyward refusing the root key itself (401/403) is no outage: the cache is emptied, nothing is served.
import { ChangeStream } from "./change-stream.js";
import { isWellFormedKey } from "./key-format.js";
import { createManagementClient, type ManagementClient } from "./management.js";
import type { Verdict, VerifyInput } from "./types.js";
import { UsageReporter } from "./usage-reporter.js";
import { inputsOf, isCacheable, VerdictCache } from "./verdict-cache.js";

export interface KeywardOptions {
  /** Where Keyward's API listens, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A key with `keys:verify` (of your company), or an operator key (every company's keys). */
  rootKey: string;
  /** Reuse verdicts between requests (default true). Off: every key that passes the checksum is sent to Keyward. */
  cache?: boolean;
  /** Longest a verdict is reused even with nothing changed (default 5 minutes). */
  cacheMaxAgeMs?: number;
  /** Keys whose verdicts are kept (default 10,000; the oldest go first). */
  cacheMaxKeys?: number;
  /** How long cached verdicts keep answering while Keyward is unreachable (default 5 minutes; 0: never). */
  offlineGraceMs?: number;
  /** How often cache-hit usage is reported (default 5 s). */
  usageFlushMs?: number;
  /** Give up on one verify call after this long (default 5 s). */
  timeoutMs?: number;
  /** A fetch implementation (default the global one). */
  fetch?: typeof fetch;
  /** Told about failures the SDK recovers from (stream lost, usage report failed…); default console.warn. */
  onError?: (error: unknown) => void;
  /** The clock (tests). */
  now?: () => number;
}

/** Keyward answered, but not with a verdict: its status says why. */
export class KeywardResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "KeywardResponseError";
  }
}

const NOT_FOUND: Verdict = Object.freeze({ valid: false, code: "NOT_FOUND" });
const UNAVAILABLE: Verdict = Object.freeze({ valid: false, code: "UNAVAILABLE" });

export class Keyward {
  readonly #baseUrl: string;
  readonly #rootKey: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #offlineGraceMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #cache: VerdictCache | null;
  readonly #stream: ChangeStream | null;
  readonly #usage: UsageReporter;
  readonly #usageFlushMs: number;
  /** The stream is live: cached verdicts are current. */
  #live = false;
  /** When the stream was last live (0: never): cached verdicts serve an outage until this + offlineGraceMs. */
  #lostAt = 0;
  /** Bumped by every change and reset: a verdict fetched across one is not cached (it may predate the change). */
  #epoch = 0;
  #started = false;
  #closed = false;
  #api: ManagementClient | undefined;

  constructor(opts: KeywardOptions) {
    if (!opts.baseUrl) throw new TypeError("Keyward: baseUrl is required");
    if (!opts.rootKey) throw new TypeError("Keyward: rootKey is required");
    this.#baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.#rootKey = opts.rootKey;
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = opts.now ?? Date.now;
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#offlineGraceMs = opts.offlineGraceMs ?? 5 * 60_000;
    this.#usageFlushMs = opts.usageFlushMs ?? 5000;
    this.#onError =
      opts.onError ?? ((error) => console.warn("[keyward]", error instanceof Error ? error.message : error));
    const caching = opts.cache ?? true;
    this.#cache = caching
      ? new VerdictCache({ maxKeys: opts.cacheMaxKeys ?? 10_000, maxAgeMs: opts.cacheMaxAgeMs ?? 5 * 60_000 })
      : null;
    this.#stream = caching
      ? new ChangeStream({
          url: `${this.#baseUrl}/v1/keys/changes`,
          rootKey: this.#rootKey,
          fetch: this.#fetch,
          idleTimeoutMs: 45_000,
          minRetryMs: 250,
          maxRetryMs: 5000,
          handlers: {
            onKeyChanged: (keyId) => {
              this.#epoch++;
              this.#cache?.evictKeyId(keyId);
            },
            onReady: (reset) => {
              if (reset) {
                this.#epoch++;
                this.#cache?.clear();
              }
              this.#live = true;
            },
            onLost: (error) => {
              if (this.#live) this.#lostAt = this.#now();
              this.#live = false;
              this.#onError(error);
            },
          },
        })
      : null;
    this.#usage = new UsageReporter({
      maxEntries: 10_000,
      send: (usage) => this.#post("/v1/keys/usage", { usage }).then(() => undefined),
    });
  }

  /** The typed client of Keyward's whole API (management.ts), with the root key. */
  get api(): ManagementClient {
    this.#api ??= createManagementClient({ baseUrl: this.#baseUrl, rootKey: this.#rootKey, fetch: this.#fetch });
    return this.#api;
  }

  /** Whether cached verdicts are current (the change stream is live). */
  get live(): boolean {
    return this.#live;
  }

  /** Judges a key as `POST /v1/keys/verify` would. Never throws: an unreachable Keyward is the UNAVAILABLE verdict. */
  async verifyKey(input: VerifyInput): Promise<Verdict> {
    if (!isWellFormedKey(input.key)) return NOT_FOUND;
    this.#start();
    const cache = this.#cache;
    const inputs = cache === null ? "" : inputsOf(input.requiredScopes, input.ip);
    if (cache !== null && this.#live) {
      const cached = cache.get(input.key, inputs, this.#now());
      if (cached !== undefined) return this.#answeredLocally(cached, input.ip);
    }
    const epoch = this.#epoch;
    let verdict: Verdict;
    try {
      verdict = (await this.#post("/v1/keys/verify", {
        key: input.key,
        ...(input.requiredScopes === undefined ? {} : { requiredScopes: input.requiredScopes }),
        ...(input.ip === undefined ? {} : { ip: input.ip }),
        ...(input.cost === undefined ? {} : { cost: input.cost }),
      })) as Verdict;
    } catch (error) {
      this.#onError(error);
      const status = error instanceof KeywardResponseError ? error.status : 0;
      // Keyward refused the root key (revoked, expired, without keys:verify): not an outage, so no
      // grace either; what was cached under that key is dropped, not served.
      if (status === 401 || status === 403) {
        this.#epoch++;
        cache?.clear();
        return UNAVAILABLE;
      }
      // A request Keyward cannot take (an `ip` that is no IP…) is this call's problem, not an outage.
      if (status === 400) return UNAVAILABLE;
      return this.#duringOutage(input.key, inputs, input.ip);
    }
    // Cached only if no change arrived while it was asked: the answer may predate that change.
    if (cache !== null && this.#live && epoch === this.#epoch && isCacheable(verdict)) {
      cache.set(input.key, inputs, verdict, this.#now());
    }
    return verdict;
  }

  /** Reports pending usage now (also done every `usageFlushMs`, and by `close`). */
  flushUsage(): Promise<void> {
    return this.#usage.flush();
  }

  /** Stops the change stream and reports what usage is left: call it on shutdown. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#usage.stop();
    await this.#stream?.stop();
    await this.#usage.flush().catch((error) => this.#onError(error));
  }

  #start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#stream?.start();
    this.#usage.start(this.#usageFlushMs, this.#onError);
  }

  #answeredLocally(verdict: Verdict, ip: string | undefined): Verdict {
    this.#usage.count(verdict.keyId as string, verdict.code, ip);
    return verdict;
  }

  /** Keyward did not answer: a cached verdict holds for the grace period after the stream was lost. */
  #duringOutage(key: string, inputs: string, ip: string | undefined): Verdict {
    const now = this.#now();
    const inGrace = this.#live || (this.#lostAt > 0 && now - this.#lostAt <= this.#offlineGraceMs);
    const cached = inGrace ? this.#cache?.get(key, inputs, now) : undefined;
    return cached === undefined ? UNAVAILABLE : this.#answeredLocally(cached, ip);
  }

  /** A JSON POST with the root key; throws on a network error, a timeout or any non-2xx answer. */
  async #post(path: string, body: unknown): Promise<unknown> {
    const response = await this.#fetch(`${this.#baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.#rootKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      throw new KeywardResponseError(
        response.status,
        `Keyward answered ${path} with HTTP ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    return response.status === 204 ? null : response.json();
  }
}
