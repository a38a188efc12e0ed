// Company names by id: for GET /v1/me, and for tokens that name a company (HS256, external), which
// must name one that exists. Every company whose credential is used is loaded once, so when the
// database goes away a credential answered from cache still gets its company's name: the last name
// read beats a 503.
import type { Db } from "@keyward/db";

const FOUND_TTL_MS = 5 * 60_000;
const MISSING_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

export class CompanyNames {
  readonly #db: Db;
  readonly #entries = new Map<string, { name: string | null; at: number }>();
  readonly #inFlight = new Map<string, Promise<string | null>>();

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * The company's name, or null when there is no such company: from cache for a few minutes (seconds
   * for a missing one), or read now with `fresh`. When the database fails, the last answer read, if
   * any; otherwise the database's error is thrown.
   */
  async name(id: string, opts: { fresh?: boolean } = {}): Promise<string | null> {
    const entry = this.#entries.get(id);
    const ttl = entry?.name === null ? MISSING_TTL_MS : FOUND_TTL_MS;
    if (entry !== undefined && !opts.fresh && Date.now() - entry.at < ttl) return entry.name;
    try {
      return await this.#load(id);
    } catch (error) {
      if (entry !== undefined) return entry.name;
      throw error;
    }
  }

  /** Loads a company this replica has not seen yet, in the background (a failure is retried on demand). */
  warm(id: string): void {
    if (!this.#entries.has(id)) this.#load(id).catch(() => {});
  }

  #load(id: string): Promise<string | null> {
    const pending = this.#inFlight.get(id);
    if (pending !== undefined) return pending;
    const load = this.#db.company
      .findUnique({ where: { id }, select: { name: true } })
      .then((row) => {
        const name = row?.name ?? null;
        if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
        this.#entries.set(id, { name, at: Date.now() });
        return name;
      })
      .finally(() => this.#inFlight.delete(id));
    this.#inFlight.set(id, load);
    return load;
  }
}
