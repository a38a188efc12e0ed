// How a loop that polls the database reports an outage: one error when it starts failing, one
// reminder a minute while it lasts, one line when it is back. A poll every 100 ms must not write
// ten errors a second.
import type { FastifyBaseLogger } from "fastify";

const REMIND_EVERY_MS = 60_000;

export class OutageLog {
  readonly #log: FastifyBaseLogger;
  readonly #what: string;
  readonly #now: () => number;
  #since = 0;
  #failures = 0;
  #toldAt = 0;

  constructor(log: FastifyBaseLogger, what: string, now: () => number = Date.now) {
    this.#log = log;
    this.#what = what;
    this.#now = now;
  }

  failed(error: unknown): void {
    const now = this.#now();
    const err = (error as Error).message;
    this.#failures++;
    if (this.#since === 0) {
      this.#since = this.#toldAt = now;
      this.#log.error({ err }, `${this.#what}: database unreachable; retrying (logged again once a minute)`);
    } else if (now - this.#toldAt >= REMIND_EVERY_MS) {
      this.#toldAt = now;
      this.#log.error(
        { err, failures: this.#failures, downSeconds: Math.round((now - this.#since) / 1000) },
        `${this.#what}: database still unreachable`,
      );
    }
  }

  succeeded(): void {
    if (this.#since === 0) return;
    const downSeconds = Math.round((this.#now() - this.#since) / 1000);
    this.#log.warn({ failures: this.#failures, downSeconds }, `${this.#what}: database reachable again`);
    this.#since = this.#failures = 0;
  }
}
