// Detection of the request-time alert kinds, fed by the usage buffer from the enforcement path.
//
// Per request, `observe` does one Map lookup for the company's rules and returns when there are
// none: no Date, no string, no I/O. With rules, a counting kind adds one to a plain-number slot per
// (rule, bucket); `new_ip` looks the (key, ip) pair up in a per-process Map of Sets and queues it
// the first time. Every ALERT_FLUSH_INTERVAL_MS the replica adds its counts to the shared counters
// (one batched statement), sums each touched rule's window over all replicas (one query), and
// fires the rules whose sum reached the threshold; queued IPs are recorded in one statement whose
// RETURNING says which pairs no replica had seen. Firing itself is claimed once in the database.
import type { CompanyKeyRecord, VerifyCode } from "@keyward/auth-core";
import {
  type AlertCount,
  addAlertCounts,
  type FireAlertInput,
  pruneAlertCounters,
  recordKeyIps,
  sumAlertCounts,
} from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import { PeriodicTask } from "../periodic-task";
import type { AlertRuleCache, CachedRule } from "./rule-cache";

/** What the usage buffer tells alerting about each request of a known key. */
export interface AlertObserver {
  /** `count` requests of this outcome (more than one when an SDK reports the requests it answered itself). */
  observe(key: CompanyKeyRecord, code: VerifyCode, ip: string | undefined, now: number, count?: number): void;
}

interface Slot {
  rule: CachedRule;
  /** Unix seconds at the start of the bucket. */
  bucket: number;
  count: number;
  /** The key counted last: named in a company-wide alert. */
  lastKeyId: string;
  /** Flushes the database refused this slot's count in. */
  failures: number;
}

/** Buckets older than the longest window (a day) plus an hour are dropped, every this many flushes. */
const PRUNE_EVERY_FLUSHES = 600;
const KEEP_BUCKETS_SECONDS = 86_400 + 3_600;

/** Most (key, ip) pairs remembered per process before the memory is cleared (the database still decides). */
const MAX_REMEMBERED_PAIRS = 100_000;

/** Flushes a count is tried in before it is dropped: a batch the database keeps refusing must not be carried forever. */
const MAX_FLUSH_TRIES = 3;

export class AlertDetector implements AlertObserver {
  readonly #db: Db;
  readonly #rules: AlertRuleCache;
  readonly #log: FastifyBaseLogger;
  readonly #fire: (input: FireAlertInput) => Promise<unknown>;
  readonly #now: () => number;
  /** Open slot per rule; a slot whose bucket passed moves to #closed. */
  #slots = new Map<string, Slot>();
  #closed: Slot[] = [];
  #seenIps = new Map<string, Set<string>>();
  #seenPairs = 0;
  #ipQueue: { key: CompanyKeyRecord; ip: string }[] = [];
  readonly #task: PeriodicTask;
  #flushes = 0;

  constructor(opts: {
    db: Db;
    rules: AlertRuleCache;
    log: FastifyBaseLogger;
    fire: (input: FireAlertInput) => Promise<unknown>;
    now?: () => number;
  }) {
    this.#db = opts.db;
    this.#rules = opts.rules;
    this.#log = opts.log;
    this.#fire = opts.fire;
    this.#now = opts.now ?? Date.now;
    this.#task = new PeriodicTask(() => this.#flushOnce(), {
      onError: (err) => this.#log.warn({ err: err.message }, "alert detector flush failed"),
      finalRun: true,
    });
  }

  observe(key: CompanyKeyRecord, code: VerifyCode, ip: string | undefined, now: number, count = 1): void {
    const rules = this.#rules.forCompany(key.companyId);
    if (rules === undefined) return;
    for (const rule of rules) {
      if (rule.keyId !== null) {
        if (rule.keyId !== key.id) continue;
      } else if (rule.environment !== null && rule.environment !== key.environment) continue;
      switch (rule.kind) {
        case "request_spike":
          this.#count(rule, key, now, count);
          break;
        case "auth_failures":
          if (code !== "VALID") this.#count(rule, key, now, count);
          break;
        case "rate_limited":
          if (code === "RATE_LIMITED") this.#count(rule, key, now, count);
          break;
        case "new_ip":
          if (ip !== undefined && ip !== "") this.#seeIp(key, ip);
          break;
        case "expiring":
          break; // the expiry job's
      }
    }
  }

  #count(rule: CachedRule, key: CompanyKeyRecord, now: number, count: number): void {
    const seconds = Math.floor(now / 1000);
    const bucket = seconds - (seconds % rule.bucketSeconds);
    const slot = this.#slots.get(rule.id);
    if (slot !== undefined && slot.bucket === bucket && slot.rule === rule) {
      slot.count += count;
      slot.lastKeyId = key.id;
      return;
    }
    if (slot !== undefined) this.#closed.push(slot);
    this.#slots.set(rule.id, { rule, bucket, count, lastKeyId: key.id, failures: 0 });
  }

  #seeIp(key: CompanyKeyRecord, ip: string): void {
    let ips = this.#seenIps.get(key.id);
    if (ips?.has(ip)) return;
    if (this.#seenPairs >= MAX_REMEMBERED_PAIRS) {
      this.#seenIps.clear();
      this.#seenPairs = 0;
      ips = undefined;
    }
    if (ips === undefined) {
      ips = new Set();
      this.#seenIps.set(key.id, ips);
    }
    ips.add(ip);
    this.#seenPairs++;
    this.#ipQueue.push({ key, ip });
  }

  start(intervalMs: number): void {
    this.#task.start(intervalMs);
  }

  /** Shares this replica's counts, checks the touched rules, records new IPs: resolves after a flush that started after this call. */
  flush(): Promise<void> {
    return this.#task.runNow();
  }

  async #flushOnce(): Promise<void> {
    const slots = [...this.#closed, ...this.#slots.values()];
    this.#closed = [];
    this.#slots = new Map();
    const ips = this.#ipQueue;
    this.#ipQueue = [];
    try {
      await this.#shareCounts(slots);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, "alert counts flush failed");
    }
    if (++this.#flushes % PRUNE_EVERY_FLUSHES === 0) {
      const before = Math.floor(this.#now() / 1000) - KEEP_BUCKETS_SECONDS;
      await pruneAlertCounters(this.#db, before).catch((err: Error) =>
        this.#log.warn({ err: err.message }, "alert counter pruning failed"),
      );
    }
    try {
      await this.#checkIps(ips);
    } catch (err) {
      // Forget them here, so the next request from the pair queues it again.
      for (const { key, ip } of ips) this.#seenIps.get(key.id)?.delete(ip);
      this.#log.warn({ err: (err as Error).message }, "new-IP check failed");
    }
  }

  async #shareCounts(slots: Slot[]): Promise<void> {
    if (slots.length === 0) return;
    // A rule reloaded mid-bucket leaves two slots of one bucket: one row each, or the upsert refuses the batch.
    const merged = new Map<string, AlertCount>();
    for (const s of slots) {
      const id = `${s.rule.id}|${s.bucket}`;
      const current = merged.get(id);
      if (current) current.count += s.count;
      else merged.set(id, { ruleId: s.rule.id, subject: s.rule.subject, bucket: s.bucket, count: s.count });
    }
    try {
      await addAlertCounts(this.#db, [...merged.values()]);
    } catch (err) {
      // Kept for the next flush, a few times: a database blip must not hide an incident.
      const kept = slots.filter((s) => ++s.failures < MAX_FLUSH_TRIES);
      this.#closed.push(...kept);
      if (kept.length < slots.length) {
        const dropped = slots.filter((s) => s.failures >= MAX_FLUSH_TRIES);
        this.#log.error(
          {
            err: (err as Error).message,
            rules: [...new Set(dropped.map((s) => s.rule.id))],
            count: dropped.reduce((n, s) => n + s.count, 0),
          },
          `alert counts dropped after ${MAX_FLUSH_TRIES} failed flushes`,
        );
      }
      throw err;
    }
    const now = this.#now();
    const touched = new Map<string, Slot>();
    for (const slot of slots) touched.set(slot.rule.id, slot); // the latest slot of each rule names its key
    const queries = [...touched.values()].map(({ rule }) => {
      const from = Math.floor(now / 1000) - (rule.windowSeconds ?? 60) + 1;
      return { ruleId: rule.id, subject: rule.subject, fromBucket: from - (from % rule.bucketSeconds) };
    });
    for (const sum of await sumAlertCounts(this.#db, queries)) {
      const slot = touched.get(sum.ruleId);
      // The rule may have been changed or disabled since these were counted.
      const rule = this.#rules.byId(sum.ruleId);
      if (!slot || !rule || rule.threshold === null) continue;
      const reached = rule.kind === "request_spike" ? sum.count > rule.threshold : sum.count >= rule.threshold;
      if (!reached) continue;
      await this.#fire({
        ruleId: rule.id,
        subject: rule.subject,
        keyId: rule.keyId ?? slot.lastKeyId,
        count: sum.count,
        windowStart: new Date(sum.firstBucket * 1000),
        windowEnd: new Date(now),
      });
    }
  }

  async #checkIps(queued: { key: CompanyKeyRecord; ip: string }[]): Promise<void> {
    if (queued.length === 0) return;
    const byPair = new Map<string, { key: CompanyKeyRecord; ip: string }>();
    for (const q of queued) byPair.set(`${q.key.id}|${q.ip}`, q);
    const fresh = await recordKeyIps(
      this.#db,
      [...byPair.values()].map((q) => ({ keyId: q.key.id, ip: q.ip })),
    );
    const now = new Date(this.#now());
    for (const pair of fresh) {
      // The first IP a watched key is seen from is its baseline, not news.
      if (pair.knownIps === 0) continue;
      const key = byPair.get(`${pair.keyId}|${pair.ip}`)?.key;
      if (!key) continue;
      for (const rule of this.#rules.forCompany(key.companyId) ?? []) {
        if (rule.kind !== "new_ip") continue;
        if (
          rule.keyId !== null
            ? rule.keyId !== key.id
            : rule.environment !== null && rule.environment !== key.environment
        )
          continue;
        await this.#fire({
          ruleId: rule.id,
          subject: key.id,
          keyId: key.id,
          count: 1,
          windowStart: now,
          windowEnd: now,
          ip: pair.ip,
        });
      }
    }
  }

  /** After the flush in flight, the last one. */
  stop(): Promise<void> {
    return this.#task.stop();
  }
}
