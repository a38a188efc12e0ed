// What every enforcement point needs of alerts (docs/api.md#alerts): the rule cache, the detector the usage
// buffer feeds, and `fire`, which claims an incident in the database so it fires once across every
// API replica and guard. The enforcement pipeline starts it, so a refusal counts toward the rules
// wherever the key was presented. Delivering the alert is the API's (alerting.ts); a guard's firing
// is picked up by the API's delivery worker at its next poll.

import { type FireAlertInput, type FiredAlert, fireAlert } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { EnforcementEnv } from "../settings";
import { AlertDetector } from "./detector";
import { AlertRuleCache } from "./rule-cache";

export class AlertDetection {
  readonly rules: AlertRuleCache;
  readonly detector: AlertDetector;
  /** Called after this process claimed an incident (the API wakes its delivery worker). */
  onFired: (() => void) | undefined;
  readonly #db: Db;
  readonly #log: FastifyBaseLogger;

  constructor(opts: { db: Db; redis: Redis | null; log: FastifyBaseLogger }) {
    this.#db = opts.db;
    this.#log = opts.log;
    this.rules = new AlertRuleCache(opts);
    this.detector = new AlertDetector({ db: opts.db, rules: this.rules, log: opts.log, fire: (i) => this.fire(i) });
  }

  async start(env: EnforcementEnv): Promise<void> {
    await this.rules.start(env.ALERT_RULES_POLL_MS);
    this.detector.start(env.ALERT_FLUSH_INTERVAL_MS);
  }

  /** Fires when the incident is not claimed yet; null when another process (or an earlier pass) fired it. */
  async fire(input: FireAlertInput): Promise<FiredAlert | null> {
    try {
      const fired = await fireAlert(this.#db, input);
      if (fired) {
        this.#log.info(
          { alertId: fired.id, ruleId: input.ruleId, keyId: input.keyId, count: input.count },
          "alert fired",
        );
        this.onFired?.();
      }
      return fired;
    } catch (err) {
      this.#log.error({ err: (err as Error).message, ruleId: input.ruleId }, "alert could not be stored");
      return null;
    }
  }

  /** The last counts are shared (and may fire) before the rules stop following changes. */
  async stop(): Promise<void> {
    await this.detector.stop();
    await this.rules.stop();
  }
}
