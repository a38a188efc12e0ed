// The enabled alert rules, in memory, by company: the enforcement path asks `forCompany` (one Map
// lookup) and does nothing more for a company without rules. Reloaded at once when a rule is changed
// through this replica, on a Redis message when another replica changed one, and by a short poll
// in any case (the poll alone keeps replicas without Redis, and the dashboard's changes, in step).

import { type ActiveAlertRule, loadEnabledAlertRules } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { PeriodicTask } from "../periodic-task";

const CHANNEL = "keyward:alert-rules";

export interface CachedRule extends ActiveAlertRule {
  /** Seconds per counter bucket: at most ~60 buckets per window. */
  bucketSeconds: number;
  /** `company` for a rule over all keys (of an environment), else the key id. */
  subject: string;
}

export class AlertRuleCache {
  readonly #db: Db;
  readonly #redis: Redis | null;
  readonly #log: FastifyBaseLogger;
  #byCompany = new Map<string, CachedRule[]>();
  #byId = new Map<string, CachedRule>();
  #subscriber: Redis | undefined;
  readonly #task: PeriodicTask;

  constructor(opts: { db: Db; redis: Redis | null; log: FastifyBaseLogger }) {
    this.#db = opts.db;
    this.#redis = opts.redis;
    this.#log = opts.log;
    this.#task = new PeriodicTask(async () => this.#replace(await loadEnabledAlertRules(this.#db)), {
      onError: (err) => this.#log.warn({ err: err.message }, "alert rules reload failed; keeping the previous ones"),
    });
  }

  /** The company's enabled rules, or undefined when it has none. */
  forCompany(companyId: string): CachedRule[] | undefined {
    return this.#byCompany.get(companyId);
  }

  byId(ruleId: string): CachedRule | undefined {
    return this.#byId.get(ruleId);
  }

  all(): Iterable<CachedRule> {
    return this.#byId.values();
  }

  async start(pollMs: number): Promise<void> {
    await this.reload();
    if (this.#redis) {
      this.#subscriber = this.#redis.duplicate();
      this.#subscriber.on("message", () => void this.reload());
      this.#subscriber.on("error", (err) => this.#log.warn({ err: err.message }, "alert-rule subscriber: Redis error"));
      await this.#subscriber.subscribe(CHANNEL).catch((err: Error) => {
        this.#log.warn({ err: err.message }, "alert-rule subscriber: Redis unreachable, relying on the poll");
      });
    }
    this.#task.start(pollMs);
  }

  /** After a rule changed through this replica: reload here now, and tell the others. */
  async changed(): Promise<void> {
    await this.reload();
    await this.#redis?.publish(CHANNEL, "changed").catch((err: Error) => {
      this.#log.warn({ err: err.message }, "alert-rule publish failed; other replicas will see it on their poll");
    });
  }

  /**
   * Resolves once a read that started after this call has been applied: a reload asked for while
   * one runs waits for the next one (that running read may predate the change it is asked for).
   */
  reload(): Promise<void> {
    return this.#task.runNow();
  }

  #replace(rules: ActiveAlertRule[]): void {
    const byCompany = new Map<string, CachedRule[]>();
    const byId = new Map<string, CachedRule>();
    for (const rule of rules) {
      const window = rule.windowSeconds ?? 60;
      const cached: CachedRule = {
        ...rule,
        bucketSeconds: window <= 60 ? 1 : Math.ceil(window / 60),
        subject: rule.keyId ?? "company",
      };
      byId.set(rule.id, cached);
      const list = byCompany.get(rule.companyId);
      if (list) list.push(cached);
      else byCompany.set(rule.companyId, [cached]);
    }
    this.#byCompany = byCompany;
    this.#byId = byId;
  }

  async stop(): Promise<void> {
    this.#subscriber?.disconnect();
    await this.#task.stop();
  }
}
