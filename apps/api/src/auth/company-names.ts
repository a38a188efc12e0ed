// Company names by id: for GET /v1/me, and for tokens that name a company (HS256, external), which
// must name one that exists. Every company whose credential is used is loaded once, so when the
// database goes away a credential answered from cache still gets its company's name: the last name
// read beats a 503.
import { ExpiringCache, SharedReads } from "@keyward/auth-core";
import type { Db } from "@keyward/db";

const FOUND_TTL_MS = 5 * 60_000;
const MISSING_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

export class CompanyNames {
  readonly #db: Db;
  /** A missing company (null) is cached too, for less time. */
  readonly #entries = new ExpiringCache<string, { name: string | null; expiresAt: number }>({ max: MAX_ENTRIES });
  readonly #reads = new SharedReads<string, string | null>();

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * The company's name, or null when there is no such company: from cache for a few minutes (seconds
   * for a missing one), or read now with `fresh`. When the database fails, the last answer read, if
   * any; otherwise the database's error is thrown.
   */
  async name(id: string, opts: { fresh?: boolean } = {}): Promise<string | null> {
    if (!opts.fresh) {
      const cached = this.#entries.get(id, Date.now());
      if (cached !== undefined) return cached.name;
    }
    const last = this.#entries.peek(id);
    try {
      return await this.#load(id);
    } catch (error) {
      if (last !== undefined) return last.name;
      throw error;
    }
  }

  /** Loads a company this replica has not seen yet, in the background (a failure is retried on demand). */
  warm(id: string): void {
    if (this.#entries.peek(id) === undefined) this.#load(id).catch(() => {});
  }

  #load(id: string): Promise<string | null> {
    return this.#reads.read(id, async () => {
      const row = await this.#db.company.findUnique({ where: { id }, select: { name: true } });
      const name = row?.name ?? null;
      this.#entries.set(id, { name, expiresAt: Date.now() + (name === null ? MISSING_TTL_MS : FOUND_TTL_MS) });
      return name;
    });
  }
}
