// Keeps every replica's key cache honest: a revoke, rotate or update must stop the old state
// everywhere within a second. Each change is written to the `key_changes` log in the same
// transaction as the change itself; every replica polls that log every 100 ms (one indexed read), and with
// REDIS_URL a change made through the API is also pushed over pub/sub, so other replicas drop it in
// milliseconds. The poll stays at 100 ms with Redis too: the dashboard writes changes to the database
// without publishing them, and a revoke there must reach every replica within a second as well.
// The log also carries the ids of revoked user sessions (core sessions.ts): listeners (the API's
// session cache) hear every id, so a sign-out everywhere reaches every replica the same way.
// Rows read from the log are also handed, with their company and time, to `onLogged` listeners (the
// SDKs' key-change streams): pub/sub carries a bare id, so only the log says whose key changed.
import type { KeyVerifier } from "@keyward/auth-core";
import { keyChangesSince, type LoggedKeyChange } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { OutageLog } from "./outage-log";
import { PeriodicTask } from "./periodic-task";

const CHANNEL = "keyward:key-changes";
// Transactions commit out of timestamp order; re-reading a window behind the newest change catches late ones.
export const KEY_CHANGE_OVERLAP_MS = 10_000;
/** How long the log keeps a change: a key-change stream cannot resume from further back. */
export const KEY_CHANGE_RETENTION_MS = 3_600_000;

export interface KeyChangeFeedOptions {
  db: Db;
  verifier: KeyVerifier;
  redis: Redis | null;
  log: FastifyBaseLogger;
  pollIntervalMs?: number;
}

export class KeyChangeFeed {
  readonly #opts: KeyChangeFeedOptions;
  readonly #seen = new Map<bigint, number>();
  #since = Date.now() - KEY_CHANGE_OVERLAP_MS;
  #subscriber: Redis | undefined;
  #polls = 0;
  #following = false;
  readonly #listeners: ((id: string) => void)[] = [];
  readonly #logListeners = new Set<(change: LoggedKeyChange) => void>();
  readonly #outage: OutageLog;
  readonly #task: PeriodicTask;

  constructor(opts: KeyChangeFeedOptions) {
    this.#opts = opts;
    this.#outage = new OutageLog(opts.log, "key-change feed");
    this.#task = new PeriodicTask(() => this.#pollOnce(), {
      onError: (err) => {
        this.#following = false;
        this.#outage.failed(err);
      },
    });
  }

  async start(): Promise<void> {
    const { redis, log } = this.#opts;
    if (redis) {
      this.#subscriber = redis.duplicate();
      this.#subscriber.on("message", (_channel, id: string) => this.#changed(id));
      this.#subscriber.on("error", (err) => log.warn({ err: err.message }, "key-change subscriber: Redis error"));
      await this.#subscriber.subscribe(CHANNEL).catch((err: Error) => {
        log.warn({ err: err.message }, "key-change subscriber: Redis unreachable, relying on the database log");
      });
    }
    this.#task.start(this.#opts.pollIntervalMs ?? 100);
  }

  /** Also calls `listener` with every id the log or Redis carries (a key's or a session's). */
  onChange(listener: (id: string) => void): void {
    this.#listeners.push(listener);
  }

  /** Whether the last read of the log succeeded: only then do `onLogged` listeners hear every change. */
  get following(): boolean {
    return this.#following;
  }

  /**
   * Calls `listener` with every row this replica reads from the log (once each, in log order; a
   * change announced here reaches it at the next poll); returns the call that stops it.
   */
  onLogged(listener: (change: LoggedKeyChange) => void): () => void {
    this.#logListeners.add(listener);
    return () => this.#logListeners.delete(listener);
  }

  #changed(id: string): void {
    this.#opts.verifier.invalidateKeyId(id);
    for (const listener of this.#listeners) listener(id);
  }

  /** Called by the replica that made a change (after its transaction committed). */
  async announce(keyId: string): Promise<void> {
    this.#changed(keyId);
    await this.#opts.redis?.publish(CHANNEL, keyId).catch((err: Error) => {
      this.#opts.log.warn(
        { err: err.message },
        "key-change publish failed; other replicas will see it in the database log",
      );
    });
  }

  /** One pass over the log that starts after this call; exposed so tests can drive it without waiting. */
  poll(): Promise<void> {
    return this.#task.runNow();
  }

  async #pollOnce(): Promise<void> {
    const changes = await keyChangesSince(this.#opts.db, new Date(this.#since - KEY_CHANGE_OVERLAP_MS));
    for (const change of changes) {
      if (this.#seen.has(change.id)) continue;
      this.#seen.set(change.id, change.createdAt.getTime());
      this.#changed(change.keyId);
      for (const listener of this.#logListeners) listener(change);
      if (change.createdAt.getTime() > this.#since) this.#since = change.createdAt.getTime();
    }
    for (const [id, at] of this.#seen) if (at < this.#since - 2 * KEY_CHANGE_OVERLAP_MS) this.#seen.delete(id);
    if (++this.#polls % 1200 === 0) {
      await this.#opts.db.keyChange.deleteMany({
        where: { createdAt: { lt: new Date(Date.now() - KEY_CHANGE_RETENTION_MS) } },
      });
    }
    this.#following = true;
    this.#outage.succeeded();
  }

  async stop(): Promise<void> {
    this.#subscriber?.disconnect();
    await this.#task.stop();
  }
}
