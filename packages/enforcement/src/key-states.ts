// Tokens exchanged from a key carry the key's id, not its secret, so the verifier's cache (keyed
// by the secret's hash) cannot check them. KeyStates is its twin keyed by id: one indexed read per
// key, then memory. It is dropped by the same invalidations as the verifier's entries (this
// replica's changes, Redis pub/sub, the key-change log), so a revoked key's tokens stop as fast
// as the key itself, with no database query per request.
import { compileAllowlist, fingerprintOf, type IpMatcher, type KeyRecord, KeyVerifier } from "@keyward/auth-core";
import { toKeyRecord } from "@keyward/core";
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

export interface KnownKey {
  key: KeyRecord;
  fingerprint: string;
  allowsIp: IpMatcher;
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 50_000;

export class KeyStates {
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #entries = new Map<string, { known: KnownKey | null; at: number }>();
  readonly #inFlight = new Map<string, Promise<KnownKey | null>>();
  // Bumped by every invalidation, so a read that started before it is not cached after it.
  #generation = 0;

  constructor(opts: { db: Db; verifier: ObservableKeyVerifier; ttlMs?: number; maxEntries?: number }) {
    this.#db = opts.db;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    opts.verifier.onInvalidate((keyId) => (keyId === null ? this.clear() : this.invalidate(keyId)));
  }

  /** The key as the database has it (cached), or null when there is no such key. Throws when the database fails. */
  get(keyId: string): Promise<KnownKey | null> {
    const entry = this.#entries.get(keyId);
    if (entry !== undefined && Date.now() - entry.at < this.#ttlMs) return Promise.resolve(entry.known);
    const pending = this.#inFlight.get(keyId);
    if (pending !== undefined) return pending;
    const load = this.#load(keyId).finally(() => {
      if (this.#inFlight.get(keyId) === load) this.#inFlight.delete(keyId);
    });
    this.#inFlight.set(keyId, load);
    return load;
  }

  invalidate(keyId: string): void {
    this.#generation++;
    this.#entries.delete(keyId);
    this.#inFlight.delete(keyId);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
    this.#inFlight.clear();
  }

  async #load(keyId: string): Promise<KnownKey | null> {
    const generation = this.#generation;
    const row = await this.#db.apiKey.findUnique({ where: { id: keyId } });
    const known: KnownKey | null =
      row === null
        ? null
        : { key: toKeyRecord(row), fingerprint: fingerprintOf(row.hash), allowsIp: compileAllowlist(row.ipAllowlist) };
    if (generation === this.#generation) {
      if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(keyId, { known, at: Date.now() });
    }
    return known;
  }
}
