// A Keyward user token says who its user was an hour ago; the dashboard can remove or demote them
// at any time. So every request with one re-reads the membership: a change is read fresh, a read
// from this short cache, so a busy reader costs one indexed read per MEMBERSHIP_CACHE_MS and a
// removal ends their reads within that time on every replica. The API has no route that changes
// members (the dashboard does, and reads the membership on every request itself), so there is no
// change through this replica to drop entries for; a fresh read after a change refreshes the entry.

import type { Role } from "@keyward/core";
import { findMembership } from "@keyward/core";
import type { Db } from "@keyward/db";

const MAX_ENTRIES = 10_000;

export class Memberships {
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { role: Role | null; at: number }>();
  readonly #inFlight = new Map<string, Promise<Role | null>>();

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
    const entry = this.#entries.get(id);
    if (!opts.fresh && entry !== undefined && Date.now() - entry.at < this.#ttlMs) return Promise.resolve(entry.role);
    const pending = this.#inFlight.get(id);
    if (!opts.fresh && pending !== undefined) return pending;
    const load = findMembership(this.#db, userId, companyId)
      .then((membership) => {
        const role = membership?.role ?? null;
        if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
        this.#entries.set(id, { role, at: Date.now() });
        return role;
      })
      .finally(() => {
        if (this.#inFlight.get(id) === load) this.#inFlight.delete(id);
      });
    this.#inFlight.set(id, load);
    return load;
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
