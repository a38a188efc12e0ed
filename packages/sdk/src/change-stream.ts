// Keyward's key-change stream (`GET /v1/keys/changes`, docs/api.md#key-change-stream), read with
// fetch so it runs wherever fetch does. Each `key` event names a key that changed; `ready` says
// the cache may be trusted again (after a `reset`, only once emptied). The SSE `id` is a cursor:
// a reconnect sends it as Last-Event-ID and Keyward replays what was missed, so a short outage
// keeps the cache. A stream silent for longer than `idleTimeoutMs` (Keyward sends a heartbeat
// comment every 15 s by default) is presumed dead and reopened.
import { createParser } from "eventsource-parser";

export interface ChangeStreamHandlers {
  /** A key changed: forget what is known of it. */
  onKeyChanged(keyId: string): void;
  /** The stream is live; `reset` true: what was cached cannot be trusted (nothing to resume from). */
  onReady(reset: boolean): void;
  /** The stream is down (it is being reopened). */
  onLost(error: unknown): void;
}

export interface ChangeStreamOptions {
  url: string;
  rootKey: string;
  fetch: typeof fetch;
  handlers: ChangeStreamHandlers;
  idleTimeoutMs: number;
  /** Backoff between reconnects: starts here, doubles up to `maxRetryMs`. */
  minRetryMs: number;
  maxRetryMs: number;
}

export class ChangeStream {
  readonly #opts: ChangeStreamOptions;
  #cursor: string | undefined;
  #stopped = false;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** The current connection got as far as `ready`. */
  #reachedReady = false;

  constructor(opts: ChangeStreamOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let retryMs = this.#opts.minRetryMs;
    while (!this.#stopped) {
      try {
        await this.#readOnce();
        if (!this.#stopped) this.#opts.handlers.onLost(new Error("Keyward closed the key-change stream"));
      } catch (error) {
        if (!this.#stopped) this.#opts.handlers.onLost(error);
      }
      if (this.#stopped) return;
      const wasReady = this.#reachedReady;
      // A stream that got as far as `ready` was healthy: reopen it quickly.
      retryMs = wasReady ? this.#opts.minRetryMs : Math.min(retryMs * 2, this.#opts.maxRetryMs);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, wasReady ? 0 : retryMs);
      });
    }
  }

  /** Reads one connection until it ends. */
  async #readOnce(): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error("key-change stream idle")), this.#opts.idleTimeoutMs);
    };
    this.#reachedReady = false;
    try {
      touch();
      const headers: Record<string, string> = {
        authorization: `Bearer ${this.#opts.rootKey}`,
        accept: "text/event-stream",
      };
      if (this.#cursor !== undefined) headers["last-event-id"] = this.#cursor;
      const response = await this.#opts.fetch(this.#opts.url, { headers, signal: abort.signal });
      if (!response.ok || response.body === null) {
        await response.body?.cancel();
        throw new Error(`Keyward refused the key-change stream: HTTP ${response.status}`);
      }
      const { handlers } = this.#opts;
      const parser = createParser({
        onEvent: (message) => {
          if (message.id !== undefined) this.#cursor = message.id;
          if (message.event === "key") {
            const { keyId } = JSON.parse(message.data) as { keyId?: unknown };
            if (typeof keyId === "string") handlers.onKeyChanged(keyId);
          } else if (message.event === "ready") {
            const { reset } = JSON.parse(message.data) as { reset?: unknown };
            this.#reachedReady = true;
            handlers.onReady(reset !== false);
          }
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        touch();
        parser.feed(value);
      }
    } finally {
      clearTimeout(idle);
      abort.abort();
    }
  }
}
