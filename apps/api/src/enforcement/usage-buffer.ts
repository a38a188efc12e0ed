// Usage is counted in memory on the enforcement path and written in batches: never a database
// write per request. A failed flush puts its counts back, and SIGTERM flushes before exit, so no
// count is lost. Refusals of known keys are folded into one audit event per key, cause, IP and minute.
import type { KeyRecord, UsageRecorder, VerifyCode } from "@keyward/auth-core";
import { type Db, type LastUse, type RefusalSummary, type UsageCount, writeUsageBatch } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";

const MINUTE_MS = 60_000;

export class UsageBuffer implements UsageRecorder {
  #counts = new Map<string, UsageCount>();
  #lastUses = new Map<string, LastUse>();
  #refusals = new Map<string, RefusalSummary>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  readonly #db: Db;
  readonly #log: FastifyBaseLogger;
  readonly #now: () => number;
  /** Requests counted since start, for the no-count-lost checks. */
  recorded = 0;

  constructor(opts: { db: Db; log: FastifyBaseLogger; now?: () => number }) {
    this.#db = opts.db;
    this.#log = opts.log;
    this.#now = opts.now ?? Date.now;
  }

  record(key: KeyRecord, code: VerifyCode, ip: string | undefined): void {
    const now = this.#now();
    const minute = now - (now % MINUTE_MS);
    const outcome = code === "VALID" ? "allowed" : code.toLowerCase();
    const countId = `${key.id}|${minute}|${outcome}`;
    const count = this.#counts.get(countId);
    if (count) count.count++;
    else
      this.#counts.set(countId, {
        companyId: key.companyId,
        keyId: key.id,
        minute: new Date(minute),
        outcome,
        count: 1,
      });
    this.recorded++;

    if (code === "VALID") {
      this.#lastUses.set(key.id, { keyId: key.id, at: new Date(now), ip: ip ?? null });
      return;
    }
    const refusalId = `${key.id}|${code}|${ip ?? ""}|${minute}`;
    const refusal = this.#refusals.get(refusalId);
    if (refusal) {
      refusal.count++;
      refusal.lastAt = new Date(now);
    } else {
      this.#refusals.set(refusalId, {
        companyId: key.companyId,
        keyId: key.id,
        fingerprint: key.hash.slice(0, 8),
        code,
        ip: ip ?? null,
        count: 1,
        firstAt: new Date(now),
        lastAt: new Date(now),
      });
    }
  }

  /** Requests counted but not yet written. */
  pending(): number {
    let n = 0;
    for (const c of this.#counts.values()) n += c.count;
    return n;
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  /** Writes what has been counted so far; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce());
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    if (this.#counts.size === 0 && this.#lastUses.size === 0 && this.#refusals.size === 0) return;
    const counts = this.#counts;
    const lastUses = this.#lastUses;
    const refusals = this.#refusals;
    this.#counts = new Map();
    this.#lastUses = new Map();
    this.#refusals = new Map();
    const started = performance.now();
    try {
      await writeUsageBatch(this.#db, {
        counts: [...counts.values()],
        lastUses: [...lastUses.values()],
        refusals: [...refusals.values()],
      });
      this.onFlush?.(performance.now() - started);
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, "usage flush failed; counts kept for the next flush");
      this.#restore(counts, lastUses, refusals);
    }
  }

  /** Put an unwritten batch back, merged with whatever was counted meanwhile. */
  #restore(
    counts: Map<string, UsageCount>,
    lastUses: Map<string, LastUse>,
    refusals: Map<string, RefusalSummary>,
  ): void {
    for (const [id, c] of counts) {
      const current = this.#counts.get(id);
      if (current) current.count += c.count;
      else this.#counts.set(id, c);
    }
    for (const [id, u] of lastUses) if (!this.#lastUses.has(id)) this.#lastUses.set(id, u);
    for (const [id, r] of refusals) {
      const current = this.#refusals.get(id);
      if (current) {
        current.count += r.count;
        current.firstAt = r.firstAt;
      } else this.#refusals.set(id, r);
    }
  }

  /** Observed by /metrics. */
  onFlush?: (ms: number) => void;

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
