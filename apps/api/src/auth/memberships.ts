// A Keyward user token says who its user was an hour ago; the dashboard can remove or demote them
// at any time. So every request with one re-reads the membership: a change is read fresh, a read
// from this short cache, so a busy reader costs one indexed read per MEMBERSHIP_CACHE_MS and a
// removal ends their reads within that time on every replica. The API has no route that changes
// members (the dashboard does, and reads the membership on every request itself), so there is no
// change through this replica to drop entries for; a fresh read after a change refreshes the entry.

import { ExpiringCache, SharedReads } from "@keyward/auth-core";
import { findMembership, type Role } from "@keyward/core";
import type { Db } from "@keyward/db";

const MAX_ENTRIES = 10_000;

/** What a user may do in a company: a member's role, or an operator's owner rights (`viaOperator`). */
export interface Access {
  role: Role;
  viaOperator: boolean;
}

export class Memberships {
  readonly #db: Db;
  readonly #ttlMs: number;
  /** A user who may not act there (null) is cached too, for the same time. */
  readonly #entries = new ExpiringCache<string, { access: Access | null; expiresAt: number }>({ max: MAX_ENTRIES });
  readonly #reads = new SharedReads<string, Access | null>();

  constructor(opts: { db: Db; ttlMs: number }) {
    this.#db = opts.db;
    this.#ttlMs = opts.ttlMs;
  }

  /**
   * The user's role in the company (and whether they hold it as an operator rather than a member),
   * or null when they may no longer act there; `fresh` skips the cache (for changes). Throws when
   * the database fails.
   */
  access(userId: string, companyId: string, opts: { fresh?: boolean } = {}): Promise<Access | null> {
    const id = `${companyId}:${userId}`;
    if (!opts.fresh) {
      const cached = this.#entries.get(id, Date.now());
      if (cached !== undefined) return Promise.resolve(cached.access);
    }
    return this.#reads.read(
      id,
      async () => {
        const found = await findMembership(this.#db, userId, companyId);
        const access = found ? { role: found.role, viaOperator: found.viaOperator === true } : null;
        this.#entries.set(id, { access, expiresAt: Date.now() + this.#ttlMs });
        return access;
      },
      opts,
    );
  }

  /** Forgets every cached role: a company was suspended, so its members' tokens stop on this replica at once. */
  forgetAll(): void {
    this.#entries.clear();
  }

  /**
   * For long-lived requests (event streams): false once a Keyward user is no longer a member.
   * Other tokens carry no membership. A database error keeps the stream: the next check decides.
   */
  async stillMember(principal: { userId: string; companyId: string; issuer: string }): Promise<boolean> {
    if (principal.issuer !== "keyward") return true;
    return (await this.access(principal.userId, principal.companyId).catch(() => "unknown")) !== null;
  }
}
