// Requests answered from the cache never reached Keyward, so their usage is reported in batches
// (`POST /v1/keys/usage`): usage charts, last use, refusal summaries and alerts see them as if the
// API had answered. Counts are folded per key, outcome and IP; a failed report keeps them for the
// next one (up to `maxEntries` distinct counts: beyond that new ones are dropped, not memory),
// and `flush` on shutdown sends what is left.
import type { VerifyCode } from "./types.js";

/** At most this many entries per report (Keyward's own limit). */
const MAX_PER_REPORT = 1000;

interface UsageEntry {
  keyId: string;
  code: VerifyCode;
  ip: string | undefined;
  count: number;
}

export class UsageReporter {
  readonly #send: (usage: unknown[]) => Promise<void>;
  readonly #maxEntries: number;
  #pending = new Map<string, UsageEntry>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> | undefined;

  constructor(opts: { send: (usage: unknown[]) => Promise<void>; maxEntries: number }) {
    this.#send = opts.send;
    this.#maxEntries = opts.maxEntries;
  }

  /** Requests counted and not yet reported. */
  get pending(): number {
    let n = 0;
    for (const entry of this.#pending.values()) n += entry.count;
    return n;
  }

  count(keyId: string, code: VerifyCode, ip: string | undefined): void {
    const id = `${keyId}|${code}|${ip ?? ""}`;
    const entry = this.#pending.get(id);
    if (entry !== undefined) entry.count++;
    else if (this.#pending.size < this.#maxEntries) this.#pending.set(id, { keyId, code, ip, count: 1 });
  }

  start(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.flush().catch(onError), intervalMs);
    // A reporter alone must not keep a process alive; shutdown calls flush().
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reports every pending count; one report at a time. Rejects when Keyward refused or was unreachable (the counts are kept). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    if (this.#pending.size === 0) return;
    this.#flushing = this.#flushAll();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  async #flushAll(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    const entries = [...batch.values()];
    for (let i = 0; i < entries.length; i += MAX_PER_REPORT) {
      const part = entries.slice(i, i + MAX_PER_REPORT);
      try {
        await this.#send(
          part.map(({ keyId, code, ip, count }) =>
            ip === undefined ? { keyId, code, count } : { keyId, code, ip, count },
          ),
        );
      } catch (error) {
        // This part and the rest go back, added to what was counted meanwhile.
        for (const entry of entries.slice(i)) this.#restore(entry);
        throw error;
      }
    }
  }

  #restore(entry: UsageEntry): void {
    const id = `${entry.keyId}|${entry.code}|${entry.ip ?? ""}`;
    const current = this.#pending.get(id);
    if (current !== undefined) current.count += entry.count;
    else if (this.#pending.size < this.#maxEntries) this.#pending.set(id, { ...entry });
  }
}
