// Tokens exchanged from a key carry the key's id, not its secret, so the verifier's cache (keyed
// by the secret's hash) cannot check them. KeyStates is its twin keyed by id: one indexed read per
// key, then memory. It is dropped by the same invalidations as the verifier's entries (this
// replica's changes, Redis pub/sub, the key-change log), so a revoked key's tokens stop as fast
// as the key itself, with no database query per request.
import {
  type CheckableKey,
  compileAllowlist,
  ExpiringCache,
  fingerprintOf,
  KeyVerifier,
  SharedReads,
  type StillCurrent,
} from "@keyward/auth-core";
import { findKeyRecordById, isUuid } from "@keyward/core";
import type { Db } from "@keyward/db";

/** The verifier, telling listeners which key ids it dropped (null: everything). */
export class ObservableKeyVerifier extends KeyVerifier {
  readonly #listeners = new Set<(keyId: string | null) => void>();

  onInvalidate(listener: (keyId: string | null) => void): void {
    this.#listeners.add(listener);
  }

  override invalidateKeyId(keyId: string): void {
    super.invalidateKeyId(keyId);
    for (const listener of this.#listeners) listener(keyId);
  }

  override clear(): void {
    super.clear();
    for (const listener of this.#listeners) listener(null);
  }
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 50_000;

export class KeyStates {
  readonly #db: Db;
  readonly #ttlMs: number;
  /** A key id the database does not have is cached too (null), for the same time. */
  readonly #entries: ExpiringCache<string, { known: CheckableKey | null; expiresAt: number }>;
  readonly #reads = new SharedReads<string, CheckableKey | null>();

  constructor(opts: { db: Db; verifier: ObservableKeyVerifier; ttlMs?: number; maxEntries?: number }) {
    this.#db = opts.db;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#entries = new ExpiringCache({ max: opts.maxEntries ?? DEFAULT_MAX_ENTRIES });
    opts.verifier.onInvalidate((keyId) => (keyId === null ? this.clear() : this.invalidate(keyId)));
  }

  /** The key as the database has it (cached), or null when there is no such key. Throws when the database fails. */
  get(keyId: string): Promise<CheckableKey | null> {
    const entry = this.#entries.get(keyId, Date.now());
    if (entry !== undefined) return Promise.resolve(entry.known);
    return this.#reads.read(keyId, (stillCurrent) => this.#load(keyId, stillCurrent));
  }

  invalidate(keyId: string): void {
    this.#reads.forget(keyId);
    this.#entries.delete(keyId);
  }

  clear(): void {
    this.#reads.forgetAll();
    this.#entries.clear();
  }

  async #load(keyId: string, stillCurrent: StillCurrent): Promise<CheckableKey | null> {
    const key = isUuid(keyId) ? await findKeyRecordById(this.#db, keyId) : null;
    const known: CheckableKey | null =
      key === null ? null : { key, fingerprint: fingerprintOf(key.hash), allowsIp: compileAllowlist(key.ipAllowlist) };
    if (stillCurrent()) this.#entries.set(keyId, { known, expiresAt: Date.now() + this.#ttlMs });
    return known;
  }
}
