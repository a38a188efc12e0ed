// A Keyward user token names its server-side session (`sid`, core sessions.ts); a signed-out
// session must end the token at once, on every replica. Each request checks the session from this
// cache; an entry is dropped the moment the key-change feed carries the session's id (revocations
// write it to the log every replica polls every 100 ms, and announce it over Redis), and lives at
// most MEMBERSHIP_CACHE_MS besides, the bound should the feed be down. A miss is one indexed read.

import { ExpiringCache, SharedReads } from "@keyward/auth-core";
import { checkSession } from "@keyward/core";
import type { Db } from "@keyward/db";

const MAX_ENTRIES = 10_000;

export class Sessions {
  readonly #db: Db;
  readonly #ttlMs: number;
  /** Keyed by session id; the user is part of the value, so a token naming another user's session is refused. */
  readonly #entries = new ExpiringCache<string, { userId: string; live: boolean; expiresAt: number }>({
    max: MAX_ENTRIES,
  });
  readonly #reads = new SharedReads<string, boolean>();

  constructor(opts: { db: Db; ttlMs: number }) {
    this.#db = opts.db;
    this.#ttlMs = opts.ttlMs;
  }

  /** Whether the session is the user's and still live. Throws when the database fails. */
  live(sessionId: string, userId: string): Promise<boolean> {
    const cached = this.#entries.get(sessionId, Date.now());
    if (cached !== undefined && cached.userId === userId) return Promise.resolve(cached.live);
    return this.#reads.read(`${sessionId}:${userId}`, async (stillCurrent) => {
      const live = await checkSession(this.#db, sessionId, userId);
      // A revocation heard while reading: this answer may predate it, so it is not kept.
      if (stillCurrent()) this.#entries.set(sessionId, { userId, live, expiresAt: Date.now() + this.#ttlMs });
      return live;
    });
  }

  /** The feed carried this id (a revoked session, or a key: then there is nothing to drop). */
  forget(id: string): void {
    this.#entries.delete(id);
    this.#reads.forgetAll();
  }
}
