// Sends fired alerts. Every attempt is a row of alert_deliveries: the worker takes due `pending`
// rows (claimed in one statement, skipped by other replicas' workers), sends, records the outcome,
// and on failure queues the next attempt ALERT_RETRY_BASE_MS × 2^(attempt-1) later, up to
// ALERT_MAX_ATTEMPTS. Being rows, retries survive a restart; the worker polls, and is woken at once
// when this replica fires an alert. Logs and rows name the target URL or addresses, never a secret.
//
// Fair to companies: up to MAX_IN_FLIGHT attempts run at once, at most PER_COMPANY of them for one
// company, taken round-robin by company; a finished attempt frees its slot at once (no batch waits
// for its slowest receiver), so one company's slow webhooks never delay another company's.

import {
  claimDueDeliveries,
  type DueDelivery,
  recordDeliveryOutcome,
  type SecretBox,
  webhookSecretPurpose,
} from "@keyward/core";
import type { Db } from "@keyward/db";
import { PeriodicTask } from "@keyward/enforcement";
import type { FastifyBaseLogger } from "fastify";
import type { UserUrlClient } from "../outbound/user-url-client";
import type { AlertMailer } from "./mailer";
import { SIGNATURE_HEADER, signWebhook } from "./signature";

/** Attempts this replica sends at once. */
const MAX_IN_FLIGHT = 32;
/** Attempts of one company this replica sends at once: its slow receivers hold no more slots than this. */
const PER_COMPANY = 4;
/** An attempt left `sending` this long was interrupted (the process died mid-send) and is tried again. */
const STALE_SENDING_MS = 5 * 60_000;

export interface DeliveryWorkerOptions {
  db: Db;
  box: SecretBox;
  mailer: AlertMailer | null;
  /** Every webhook goes out through it: refuses addresses inside the operator's network. */
  http: UserUrlClient;
  log: FastifyBaseLogger;
  retryBaseMs: number;
  maxAttempts: number;
  webhookTimeoutMs: number;
}

type Outcome = { ok: boolean; responseStatus?: number | null; error?: string | null; permanent?: boolean };

export class DeliveryWorker {
  readonly #opts: DeliveryWorkerOptions;
  readonly #task: PeriodicTask;
  #recoveredAt = 0;
  /** Attempts being sent, per company. */
  readonly #inFlight = new Map<string, number>();
  #sending = 0;
  readonly #sends = new Set<Promise<void>>();

  constructor(opts: DeliveryWorkerOptions) {
    this.#opts = opts;
    this.#task = new PeriodicTask(() => this.#pass(), {
      onError: (err) => this.#opts.log.warn({ err: err.message }, "alert delivery pass failed"),
    });
  }

  start(pollMs: number): void {
    this.#task.start(pollMs);
  }

  /** Resolves after a pass that started after this call (a running pass may have missed a new row). */
  kick(): Promise<void> {
    return this.#task.runNow();
  }

  /** Starts as many due attempts as there are free slots; does not wait for them to finish. */
  async #pass(): Promise<void> {
    while (!this.#task.stopped && this.#sending < MAX_IN_FLIGHT) {
      const room = MAX_IN_FLIGHT - this.#sending;
      if ((await this.#claim(room)) < room) break;
    }
  }

  async #claim(room: number): Promise<number> {
    // Interrupted attempts are rare: looked for once a minute, not on every poll.
    const now = Date.now();
    const recover = now - this.#recoveredAt >= 60_000;
    if (recover) this.#recoveredAt = now;
    const due = await claimDueDeliveries(this.#opts.db, room, recover ? STALE_SENDING_MS : null, {
      perCompany: PER_COMPANY,
      inFlight: this.#inFlight,
    });
    for (const delivery of due) this.#start(delivery);
    return due.length;
  }

  #start(delivery: DueDelivery): void {
    const company = delivery.companyId;
    this.#inFlight.set(company, (this.#inFlight.get(company) ?? 0) + 1);
    this.#sending++;
    const send: Promise<void> = this.#deliver(delivery)
      .catch((err: Error) =>
        // The row stays `sending` and is taken again once stale.
        this.#opts.log.warn({ err: err.message, alertId: delivery.alertId }, "alert delivery not recorded"),
      )
      .finally(() => {
        const left = (this.#inFlight.get(company) ?? 1) - 1;
        if (left > 0) this.#inFlight.set(company, left);
        else this.#inFlight.delete(company);
        this.#sending--;
        this.#sends.delete(send);
        // A slot is free: this company's next attempt, or another's, may go now (no pass starts once stopped).
        void this.kick();
      });
    this.#sends.add(send);
  }

  async #deliver(delivery: DueDelivery): Promise<void> {
    const outcome = await this.#send(delivery);
    const retry = !outcome.ok && !outcome.permanent && delivery.attempt < this.#opts.maxAttempts;
    const retryAt = retry ? new Date(Date.now() + this.#opts.retryBaseMs * 2 ** (delivery.attempt - 1)) : null;
    if (!outcome.ok) {
      this.#opts.log.warn(
        {
          alertId: delivery.alertId,
          channel: delivery.channelType,
          target: delivery.target,
          attempt: delivery.attempt,
          error: outcome.error,
          retryAt,
        },
        "alert delivery failed",
      );
    }
    await recordDeliveryOutcome(this.#opts.db, delivery, { ...outcome, retryAt });
  }

  async #send(delivery: DueDelivery): Promise<Outcome> {
    const { channel } = delivery;
    if (channel === null) return { ok: false, error: "The rule no longer has this channel", permanent: true };
    if (channel.type === "email") {
      if (!this.#opts.mailer) return { ok: false, error: "SMTP_URL is not set on the API", permanent: true };
      try {
        await this.#opts.mailer.send(channel.to, delivery.payload);
        return { ok: true };
      } catch (err) {
        return { ok: false, error: `SMTP: ${(err as Error).message}` };
      }
    }
    const secret = this.#opts.box.unseal(channel.secretEnc, webhookSecretPurpose(delivery.companyId));
    if (secret === null)
      return {
        ok: false,
        error: "The webhook secret cannot be opened with this KEYWARD_ENCRYPTION_KEY",
        permanent: true,
      };
    const body = JSON.stringify(delivery.payload);
    // Redirects are not followed: one could carry the signed body somewhere the rule does not name.
    const result = await this.#opts.http.send(channel.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Keyward-Alerts/1",
        [SIGNATURE_HEADER]: signWebhook(body, secret, Math.floor(Date.now() / 1000)),
        "Keyward-Alert-Id": delivery.alertId,
        "Keyward-Delivery-Attempt": String(delivery.attempt),
      },
      body,
      timeoutMs: this.#opts.webhookTimeoutMs,
    });
    switch (result.kind) {
      case "response": {
        const ok = result.status >= 200 && result.status < 300;
        return ok
          ? { ok: true, responseStatus: result.status }
          : { ok: false, responseStatus: result.status, error: `HTTP ${result.status}` };
      }
      case "refused":
        // Retrying would only probe the same address again.
        return { ok: false, error: `Refused: ${result.reason}`, permanent: true };
      case "failed":
        return { ok: false, error: result.error };
    }
  }

  /** Waits for the attempts in flight (each ends within the webhook timeout). */
  async stop(): Promise<void> {
    await this.#task.stop();
    await Promise.all([...this.#sends]);
  }
}
