// Alerts (SPEC §6) as one service of the API: the rule cache, the detector the usage buffer feeds,
// the expiry job, and the delivery worker. Every firing goes through `fire`, which claims the
// incident in the database (so each fires once across replicas) and wakes this replica's worker.
import {
  aesSecretBox,
  type Db,
  defaultDataDir,
  type FireAlertInput,
  type FiredAlert,
  fireAlert,
  type SecretBox,
} from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { resolveEncryptionKey } from "../auth/encryption";
import type { Env } from "../env";
import { UserUrlClient } from "../outbound/user-url-client";
import { DeliveryWorker } from "./delivery-worker";
import { AlertDetector } from "./detector";
import { ExpiryJob } from "./expiry-job";
import { type AlertMailer, createAlertMailer } from "./mailer";
import { AlertRuleCache } from "./rule-cache";

export class Alerting {
  readonly rules: AlertRuleCache;
  readonly detector: AlertDetector;
  readonly expiry: ExpiryJob;
  readonly worker: DeliveryWorker;
  readonly box: SecretBox;
  readonly mailer: AlertMailer | null;
  readonly #db: Db;
  readonly #env: Env;
  readonly #log: FastifyBaseLogger;

  constructor(opts: { db: Db; env: Env; redis: Redis | null; log: FastifyBaseLogger }) {
    const { db, env, redis, log } = opts;
    this.#db = db;
    this.#env = env;
    this.#log = log;
    // The same key the token services resolved (they already warned when it is the development one).
    const dataDir = defaultDataDir({ KEYWARD_DATA_DIR: env.KEYWARD_DATA_DIR });
    this.box = aesSecretBox(resolveEncryptionKey(env, dataDir, log.child({}, { level: "error" })));
    this.mailer = env.SMTP_URL ? createAlertMailer(env.SMTP_URL, env.ALERT_EMAIL_FROM) : null;
    this.rules = new AlertRuleCache({ db, redis, log });
    const fire = (input: FireAlertInput) => this.fire(input);
    this.detector = new AlertDetector({ db, rules: this.rules, log, fire });
    this.expiry = new ExpiryJob({ db, rules: this.rules, log, fire });
    this.worker = new DeliveryWorker({
      db,
      box: this.box,
      mailer: this.mailer,
      http: new UserUrlClient({ allowed: env.KEYWARD_WEBHOOK_ALLOW_HOSTS }),
      log,
      retryBaseMs: env.ALERT_RETRY_BASE_MS,
      maxAttempts: env.ALERT_MAX_ATTEMPTS,
      webhookTimeoutMs: env.ALERT_WEBHOOK_TIMEOUT_MS,
    });
  }

  async start(): Promise<void> {
    await this.rules.start(this.#env.ALERT_RULES_POLL_MS);
    this.detector.start(this.#env.ALERT_FLUSH_INTERVAL_MS);
    this.expiry.start(this.#env.ALERT_EXPIRY_INTERVAL_MS);
    this.worker.start(this.#env.ALERT_DELIVERY_POLL_MS);
    void this.expiry.run();
    void this.worker.kick();
  }

  /** Fires when the incident is not claimed yet; null when another replica (or an earlier pass) fired it. */
  async fire(input: FireAlertInput): Promise<FiredAlert | null> {
    try {
      const fired = await fireAlert(this.#db, input);
      if (fired) {
        this.#log.info(
          { alertId: fired.id, ruleId: input.ruleId, keyId: input.keyId, count: input.count },
          "alert fired",
        );
        void this.worker.kick();
      }
      return fired;
    } catch (err) {
      this.#log.error({ err: (err as Error).message, ruleId: input.ruleId }, "alert could not be stored");
      return null;
    }
  }

  async stop(): Promise<void> {
    await this.detector.stop();
    await this.expiry.stop();
    await this.worker.stop();
    await this.rules.stop();
    this.mailer?.close();
  }
}
