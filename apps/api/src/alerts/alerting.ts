// Alerts (docs/api.md#alerts) as one service of the API: the detection the enforcement pipeline runs (rule
// cache, detector, `fire`: detection.ts), plus the expiry job and the delivery worker. Every firing
// goes through `fire`, which claims the incident in the database (so each fires once across
// replicas and guards) and wakes this replica's worker.

import { aesSecretBox, type FireAlertInput, type FiredAlert, type SecretBox } from "@keyward/core";
import { type Db, resolveDataDir } from "@keyward/db";
import type { AlertDetection, AlertDetector, AlertRuleCache } from "@keyward/enforcement";
import type { FastifyBaseLogger } from "fastify";
import { resolveEncryptionKey } from "../auth/encryption";
import type { Env } from "../env";
import { UserUrlClient } from "../outbound/user-url-client";
import { DeliveryWorker } from "./delivery-worker";
import { ExpiryJob } from "./expiry-job";
import { type AlertMailer, createAlertMailer } from "./mailer";

export class Alerting {
  readonly rules: AlertRuleCache;
  readonly detector: AlertDetector;
  readonly expiry: ExpiryJob;
  readonly worker: DeliveryWorker;
  readonly box: SecretBox;
  readonly mailer: AlertMailer | null;
  readonly #detection: AlertDetection;
  readonly #env: Env;

  constructor(opts: { db: Db; env: Env; log: FastifyBaseLogger; detection: AlertDetection }) {
    const { db, env, log, detection } = opts;
    this.#detection = detection;
    this.#env = env;
    // The same key the token services resolved (they already warned when it is the development one).
    const dataDir = resolveDataDir(env.KEYWARD_DATA_DIR);
    this.box = aesSecretBox(resolveEncryptionKey(env, dataDir, log.child({}, { level: "error" })));
    this.mailer = env.SMTP_URL ? createAlertMailer(env.SMTP_URL, env.ALERT_EMAIL_FROM) : null;
    this.rules = detection.rules;
    this.detector = detection.detector;
    const fire = (input: FireAlertInput) => this.fire(input);
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

  /** The rules and the detector run with the enforcement pipeline; these are the API's own jobs. */
  async start(): Promise<void> {
    this.#detection.onFired = () => void this.worker.kick();
    this.expiry.start(this.#env.ALERT_EXPIRY_INTERVAL_MS);
    this.worker.start(this.#env.ALERT_DELIVERY_POLL_MS);
    void this.expiry.run();
    void this.worker.kick();
  }

  /** Fires when the incident is not claimed yet; null when another replica (or an earlier pass) fired it. */
  fire(input: FireAlertInput): Promise<FiredAlert | null> {
    return this.#detection.fire(input);
  }

  async stop(): Promise<void> {
    await this.expiry.stop();
    await this.worker.stop();
    this.mailer?.close();
  }
}
