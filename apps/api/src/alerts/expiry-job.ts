// The `expiring` kind: not a request-time event, so a periodic job (ALERT_EXPIRY_INTERVAL_MS) asks the
// database for the keys each enabled rule watches that expire, or end a rotation's grace, within its
// `days`. Every replica runs it; the claim per (rule, key) lets one alert out per cooldown.

import { type FireAlertInput, findExpiringKeys } from "@keyward/core";
import type { Db } from "@keyward/db";
import { type AlertRuleCache, PeriodicTask } from "@keyward/enforcement";
import type { FastifyBaseLogger } from "fastify";

export class ExpiryJob {
  readonly #db: Db;
  readonly #rules: AlertRuleCache;
  readonly #log: FastifyBaseLogger;
  readonly #fire: (input: FireAlertInput) => Promise<unknown>;
  readonly #task: PeriodicTask;

  constructor(opts: {
    db: Db;
    rules: AlertRuleCache;
    log: FastifyBaseLogger;
    fire: (input: FireAlertInput) => Promise<unknown>;
  }) {
    this.#db = opts.db;
    this.#rules = opts.rules;
    this.#log = opts.log;
    this.#fire = opts.fire;
    this.#task = new PeriodicTask(() => this.#runOnce(), {
      onError: (err) => this.#log.warn({ err: err.message }, "expiring-key pass failed"),
    });
  }

  start(intervalMs: number): void {
    this.#task.start(intervalMs);
  }

  /** One pass over every expiring rule: resolves after a pass that started after this call. */
  run(): Promise<void> {
    return this.#task.runNow();
  }

  async #runOnce(): Promise<void> {
    const now = new Date();
    for (const rule of [...this.#rules.all()]) {
      if (rule.kind !== "expiring") continue;
      try {
        for (const key of await findExpiringKeys(this.#db, rule, now)) {
          await this.#fire({
            ruleId: rule.id,
            subject: key.id,
            keyId: key.id,
            count: 1,
            windowStart: now,
            windowEnd: key.expiresAt,
            expiresAt: key.expiresAt,
          });
        }
      } catch (err) {
        this.#log.warn({ err: (err as Error).message, ruleId: rule.id }, "expiring-key check failed");
      }
    }
  }

  /** Waits for the pass in flight. */
  stop(): Promise<void> {
    return this.#task.stop();
  }
}
