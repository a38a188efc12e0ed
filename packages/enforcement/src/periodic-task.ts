// How the runtime polls: the key-change feed, the usage buffer, the alert detector
// and rule cache, the API's expiry job, delivery worker and audit feed each run an async function
// every so often, and some also want it run at once (a revoke announced, a rule changed, an alert
// fired, a test that cannot wait), or once more at shutdown (counts still in memory).
//
// Runs never overlap: a run asked for (by the timer or by `runNow`) while one is going starts when
// that one ends, once however many were asked for meanwhile. `runNow` resolves only after a run that
// started after the call: the run in flight may have read the database before the change the
// caller wants seen. A run's error goes to `onError` (each loop logs its own way); the loop goes on.

export interface PeriodicTaskOptions {
  /** Told of an error a run threw; the task itself never throws. */
  onError: (error: Error) => void;
  /** `stop` runs the task once more after the run in flight (a buffer written before exit). */
  finalRun?: boolean;
}

export class PeriodicTask {
  readonly #run: () => Promise<void>;
  readonly #onError: (error: Error) => void;
  readonly #finalRun: boolean;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | null = null;
  /** Runs asked for so far; a run answers every one asked before it started. */
  #asked = 0;
  #answered = 0;
  #stopping: Promise<void> | null = null;

  constructor(run: () => Promise<void>, opts: PeriodicTaskOptions) {
    this.#run = run;
    this.#onError = opts.onError;
    this.#finalRun = opts.finalRun ?? false;
  }

  /**
   * Runs every `intervalMs`, the first time one interval from now. The timer does not keep the
   * process alive: shutdown is `stop`'s.
   */
  start(intervalMs: number): void {
    if (this.#timer !== undefined || this.#stopping !== null) throw new Error("a periodic task starts once");
    this.#timer = setInterval(() => void this.runNow(), intervalMs);
    this.#timer.unref();
  }

  /** True once `stop` was called: no run starts after that but its final one. */
  get stopped(): boolean {
    return this.#stopping !== null;
  }

  /**
   * Resolves once a run that started after this call has ended (errors included). Works before
   * `start` too; once stopped, resolves when `stop` does, without a run of its own. Never await it
   * from inside the run itself: that run would wait for its own end.
   */
  async runNow(): Promise<void> {
    const ticket = ++this.#asked;
    while (this.#answered < ticket) {
      if (this.#stopping !== null) return this.#stopping;
      await this.#runOnce();
    }
  }

  /** Ends the timer, waits for the run in flight, then (with `finalRun`) runs once more. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#timer);
      await this.#inFlight;
      if (this.#finalRun) await this.#runOnce();
    })();
    return this.#stopping;
  }

  /** The run in flight, or a new one. */
  #runOnce(): Promise<void> {
    this.#inFlight ??= this.#guarded().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #guarded(): Promise<void> {
    const answers = this.#asked;
    try {
      await this.#run();
    } catch (error) {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    }
    this.#answered = answers;
  }
}
