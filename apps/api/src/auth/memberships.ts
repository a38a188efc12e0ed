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

export class Memberships {
  readonly #db: Db;
  readonly #ttlMs: number;
  /** A user who is not a member (null) is cached too, for the same time. */
  readonly #entries = new ExpiringCache<string, { role: Role | null; expiresAt: number }>({ max: MAX_ENTRIES });
  readonly #reads = new SharedReads<string, Role | null>();

  constructor(opts: { db: Db; ttlMs: number }) {
    this.#db = opts.db;
    this.#ttlMs = opts.ttlMs;
  }

  /**
   * The user's role in the company, or null when they are no longer a member; `fresh` skips the
   * cache (for changes). Throws when the database fails.
   */
  role(userId: string, companyId: string, opts: { fresh?: boolean } = {}): Promise<Role | null> {
    const id = `${companyId}:${userId}`;
    if (!opts.fresh) {
      const cached = this.#entries.get(id, Date.now());
      if (cached !== undefined) return Promise.resolve(cached.role);
    }
    return this.#reads.read(
      id,
      async () => {
        const role = (await findMembership(this.#db, userId, companyId))?.role ?? null;
        this.#entries.set(id, { role, expiresAt: Date.now() + this.#ttlMs });
        return role;
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
    return (await this.role(principal.userId, principal.companyId).catch(() => "unknown")) !== null;
  }
}
