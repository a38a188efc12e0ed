import { describe, expect, it, vi } from "vitest";
import { generateKey, hashKey } from "../src/keys";
import {
  type KeyRecord,
  type KeyStore,
  KeyVerifier,
  type KeyVerifierOptions,
  type RateLimitDecision,
  type VerifyCode,
  type VerifyOptions,
} from "../src/verify";
import { withChecksum } from "./helpers";

const T0 = Date.parse("2030-01-01T00:00:00Z");

/** An in-memory KeyStore that counts its queries and can hold an answer (read before the gate) back. */
class MemoryStore implements KeyStore {
  readonly byHash = new Map<string, KeyRecord>();
  queries = 0;
  gate: Promise<void> | null = null;

  async findByHash(hash: string): Promise<KeyRecord | null> {
    this.queries++;
    const record = this.byHash.get(hash) ?? null;
    if (this.gate) await this.gate;
    return record;
  }
}

let nextId = 0;
function setup(overrides: Partial<KeyRecord> = {}, options: Partial<KeyVerifierOptions> = {}) {
  const store = new MemoryStore();
  const { key: secret, hash } = generateKey({ prefix: "kw", environment: "live" });
  const record: KeyRecord = {
    id: `key_${nextId++}`,
    companyId: "co_1",
    companySuspended: false,
    name: "ci",
    hash,
    environment: "live",
    scopes: ["keys:read"],
    expiresAt: null,
    revokedAt: null,
    graceEndsAt: null,
    ipAllowlist: [],
    rateLimit: null,
    metadata: null,
    ...overrides,
  };
  store.byHash.set(hash, record);
  const clock = { now: T0 };
  const usage: Array<[string, VerifyCode, string | undefined]> = [];
  const verifier = new KeyVerifier({
    store,
    now: () => clock.now,
    maxEntries: 1_000, // lru-cache preallocates; the 200k default costs ~50 ms per verifier
    usage: { record: (key, code, ip) => usage.push([key.id, code, ip]) },
    ...options,
  });
  return { store, secret, hash, record, clock, usage, verifier };
}

const limiter = (allowed: boolean) => ({
  consume: (): RateLimitDecision => ({ allowed, limit: 10, remaining: allowed ? 9 : 0, resetSeconds: 30 }),
});
const unknownKey = withChecksum(`kw_live_${"Z".repeat(43)}`);

interface CodeCase {
  key?: Partial<KeyRecord>;
  verifier?: Partial<KeyVerifierOptions>;
  raw?: unknown;
  opts?: VerifyOptions;
}

const limited = { limit: 10, windowSeconds: 60 };

describe("KeyVerifier codes", () => {
  it.each<[VerifyCode, string, CodeCase]>([
    ["VALID", "a plain key", {}],
    ["MALFORMED", "a truncated key", { raw: "kw_live_nope" }],
    ["NOT_FOUND", "a well-formed unknown key", { raw: unknownKey }],
    ["REVOKED", "a revoked key", { key: { revokedAt: new Date(T0 - 1) } }],
    ["REVOKED", "a revoked and expired key", { key: { revokedAt: new Date(T0 - 1), expiresAt: new Date(T0 - 1) } }],
    ["COMPANY_SUSPENDED", "a key of a suspended company", { key: { companySuspended: true } }],
    [
      "REVOKED",
      "a revoked key of a suspended company",
      { key: { companySuspended: true, revokedAt: new Date(T0 - 1) } },
    ],
    ["EXPIRED", "expiresAt == now", { key: { expiresAt: new Date(T0) } }],
    ["VALID", "expiresAt 1 ms ahead", { key: { expiresAt: new Date(T0 + 1) } }],
    ["EXPIRED", "grace over", { key: { graceEndsAt: new Date(T0 - 1) } }],
    ["VALID", "in grace", { key: { graceEndsAt: new Date(T0 + 1000) } }],
    ["IP_NOT_ALLOWED", "IP outside the list", { key: { ipAllowlist: ["10.0.0.0/8"] }, opts: { ip: "192.168.1.1" } }],
    ["IP_NOT_ALLOWED", "no IP given, list set", { key: { ipAllowlist: ["10.0.0.0/8"] } }],
    [
      "VALID",
      "mapped IPv6 inside an IPv4 list",
      { key: { ipAllowlist: ["10.0.0.0/8"] }, opts: { ip: "::ffff:10.1.1.1" } },
    ],
    [
      "INSUFFICIENT_SCOPE",
      "write without read",
      { key: { scopes: ["keys:write"] }, opts: { requiredScopes: ["keys:read"] } },
    ],
    [
      "VALID",
      "*:read for two reads",
      { key: { scopes: ["*:read"] }, opts: { requiredScopes: ["keys:read", "usage:read"] } },
    ],
    ["RATE_LIMITED", "limiter says no", { key: { rateLimit: limited }, verifier: { rateLimiter: limiter(false) } }],
    ["VALID", "limiter says yes", { key: { rateLimit: limited }, verifier: { rateLimiter: limiter(true) } }],
    ["VALID", "no limit on the key", { key: { rateLimit: null }, verifier: { rateLimiter: limiter(false) } }],
  ])("%s: %s", async (code, _, c) => {
    const { verifier, secret } = setup(c.key, c.verifier);
    const result = await verifier.verify("raw" in c ? c.raw : secret, c.opts);
    expect(result.code).toBe(code);
    expect(result.valid).toBe(code === "VALID");
  });

  it("checks in the documented order: revoked, expired, IP, scope, rate limit", async () => {
    let consumed = 0;
    const { verifier, secret } = setup(
      { expiresAt: new Date(T0 - 1), ipAllowlist: ["10.0.0.1"], scopes: [], rateLimit: { limit: 1, windowSeconds: 1 } },
      {
        rateLimiter: {
          consume: () => {
            consumed++;
            return { allowed: false, limit: 1, remaining: 0, resetSeconds: 1 };
          },
        },
      },
    );
    const call = { ip: "10.0.0.2", requiredScopes: ["keys:read"] };
    expect((await verifier.verify(secret, call)).code).toBe("EXPIRED");
    expect((await verifier.verify(secret, { ...call, ip: "10.0.0.1" })).code).toBe("EXPIRED");
    expect(consumed).toBe(0);
  });

  it("reports what is missing, the key and its fingerprint", async () => {
    const { verifier, secret, record, hash } = setup({ scopes: ["*:read"] });
    const result = await verifier.verify(secret, { requiredScopes: ["keys:read", "keys:write", "keys:verify"] });
    expect(result).toEqual({
      valid: false,
      code: "INSUFFICIENT_SCOPE",
      key: record,
      fingerprint: hash.slice(0, 8),
      missing: ["keys:write", "keys:verify"],
    });
  });

  it("returns the rate-limit decision on success and on refusal", async () => {
    const ok = setup({ rateLimit: { limit: 10, windowSeconds: 60 } }, { rateLimiter: limiter(true) });
    expect((await ok.verifier.verify(ok.secret)).ratelimit).toEqual({
      allowed: true,
      limit: 10,
      remaining: 9,
      resetSeconds: 30,
    });
    const over = setup(
      { rateLimit: { limit: 10, windowSeconds: 60 } },
      { rateLimiter: { consume: async () => limiter(false).consume() } },
    );
    expect((await over.verifier.verify(over.secret)).ratelimit?.allowed).toBe(false);
  });

  it("records usage for every verification of a known key, never for unknown ones", async () => {
    const { verifier, secret, record, usage } = setup({ ipAllowlist: ["10.0.0.0/8"] });
    await verifier.verify(secret, { ip: "10.0.0.1" });
    await verifier.verify(secret, { ip: "8.8.8.8" });
    await verifier.verify(unknownKey, { ip: "10.0.0.1" });
    await verifier.verify("garbage");
    expect(usage).toEqual([
      [record.id, "VALID", "10.0.0.1"],
      [record.id, "IP_NOT_ALLOWED", "8.8.8.8"],
    ]);
  });

  it("a key expires by the injected clock while it sits in the cache", async () => {
    const { verifier, secret, clock, store } = setup({ expiresAt: new Date(T0 + 5_000) });
    expect((await verifier.verify(secret)).code).toBe("VALID");
    clock.now = T0 + 5_000;
    expect((await verifier.verify(secret)).code).toBe("EXPIRED");
    expect(store.queries).toBe(1);
  });

  it("a store error propagates and is not cached", async () => {
    const { verifier, secret, store } = setup();
    const findByHash = store.findByHash.bind(store);
    store.findByHash = async () => {
      throw new Error("db down");
    };
    await expect(verifier.verify(secret)).rejects.toThrow("db down");
    store.findByHash = findByHash;
    expect((await verifier.verify(secret)).code).toBe("VALID");
  });
});

describe("KeyVerifier with a companyId (the verify endpoint)", () => {
  it("NOT_FOUND for another company's key, from the store and from the cache: no rate limit consumed, no usage", async () => {
    let consumed = 0;
    const rateLimiter = {
      consume: () => {
        consumed++;
        return limiter(true).consume();
      },
    };
    const { secret, usage, verifier } = setup({ rateLimit: limited }, { rateLimiter });
    expect(await verifier.verify(secret, { companyId: "co_2", ip: "203.0.113.7" })).toEqual({
      valid: false,
      code: "NOT_FOUND",
    });
    expect(await verifier.verify(secret, { companyId: "co_2", ip: "203.0.113.7" })).toEqual({
      valid: false,
      code: "NOT_FOUND",
    });
    expect(consumed).toBe(0);
    expect(usage).toEqual([]);
    expect((await verifier.verify(secret, { companyId: "co_1" })).code).toBe("VALID");
    expect(consumed).toBe(1);
  });
});

describe("KeyVerifier cache", () => {
  it("a malformed key makes zero store queries", async () => {
    const { verifier, store, secret } = setup();
    // Change the last checksum character to a different one, whatever the draw made it.
    const wrongChecksum = `${secret.slice(0, -1)}${secret.endsWith("0") ? "1" : "0"}`;
    for (const raw of ["", "kw_live_x", wrongChecksum, 42, null, "x".repeat(10_000)]) {
      expect((await verifier.verify(raw)).code).toBe("MALFORMED");
    }
    expect(store.queries).toBe(0);
    expect(verifier.stats).toEqual({ hits: 0, misses: 0, negativeHits: 0, storeQueries: 0 });
  });

  it("a cache hit makes no store query", async () => {
    const { verifier, store, secret } = setup();
    for (let i = 0; i < 5; i++) expect((await verifier.verify(secret)).code).toBe("VALID");
    expect(store.queries).toBe(1);
    expect(verifier.stats).toMatchObject({ hits: 4, misses: 1, storeQueries: 1 });
  });

  it("negative cache: an unknown well-formed key is looked up once until the TTL passes", async () => {
    const { verifier, store, clock } = setup({}, { negativeCacheTtlMs: 10_000 });
    expect((await verifier.verify(unknownKey)).code).toBe("NOT_FOUND");
    expect((await verifier.verify(unknownKey)).code).toBe("NOT_FOUND");
    expect(store.queries).toBe(1);
    expect(verifier.stats.negativeHits).toBe(1);
    clock.now += 10_001;
    await verifier.verify(unknownKey);
    expect(store.queries).toBe(2);
  });

  it("a key created after a negative lookup verifies once invalidateHash drops the entry", async () => {
    const { verifier, store, record } = setup();
    expect((await verifier.verify(unknownKey)).code).toBe("NOT_FOUND");
    store.byHash.set(hashKey(unknownKey), { ...record, id: "key_new", hash: hashKey(unknownKey) });
    expect((await verifier.verify(unknownKey)).code).toBe("NOT_FOUND");
    verifier.invalidateHash(hashKey(unknownKey));
    expect((await verifier.verify(unknownKey)).code).toBe("VALID");
  });

  it("positive entries expire after cacheTtlMs", async () => {
    const { verifier, store, clock, secret } = setup({}, { cacheTtlMs: 60_000, refreshAfterMs: null });
    await verifier.verify(secret);
    clock.now += 59_000;
    await verifier.verify(secret);
    expect(store.queries).toBe(1);
    clock.now += 2_000;
    await verifier.verify(secret);
    expect(store.queries).toBe(2);
  });

  it("a key in use is re-read in the background before it expires: no request waits for the store", async () => {
    const { verifier, store, clock, secret, hash, record } = setup({}, { cacheTtlMs: 60_000 });
    expect((await verifier.verify(secret)).code).toBe("VALID");
    store.byHash.set(hash, { ...record, revokedAt: new Date(T0) });
    clock.now += 40_000; // past the refresh point (50–60% of the TTL), before expiry
    expect((await verifier.verify(secret)).code).toBe("VALID"); // answered from the cache
    await new Promise((resolve) => setImmediate(resolve));
    expect((await verifier.verify(secret)).code).toBe("REVOKED"); // the re-read landed
    expect(store.queries).toBe(2);
    expect(verifier.stats).toMatchObject({ misses: 1, storeQueries: 2 });
  });

  it("one background re-read per entry, and a key gone from the store leaves the cache", async () => {
    const { verifier, store, clock, secret, hash } = setup({}, { cacheTtlMs: 60_000 });
    await verifier.verify(secret);
    let open!: () => void;
    store.gate = new Promise((resolve) => {
      open = resolve;
    });
    store.byHash.delete(hash);
    clock.now += 40_000;
    const uses = await Promise.all(Array.from({ length: 5 }, () => verifier.verify(secret)));
    expect(uses.map((u) => u.code)).toEqual(Array(5).fill("VALID"));
    open();
    store.gate = null;
    await new Promise((resolve) => setImmediate(resolve));
    expect((await verifier.verify(secret)).code).toBe("NOT_FOUND");
    expect(store.queries).toBe(2);
  });

  it("with a batch reader, keys due together are re-read in one query; an entry invalidated meanwhile is not overwritten", async () => {
    const store = new MemoryStore();
    const batches: string[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batchStore: KeyStore = {
      findByHash: (hash) => store.findByHash(hash),
      async findManyByHash(hashes) {
        batches.push([...hashes]);
        const found = hashes.flatMap((h) => store.byHash.get(h) ?? []);
        await held;
        return found;
      },
    };
    const clock = { now: T0 };
    const verifier = new KeyVerifier({ store: batchStore, now: () => clock.now, maxEntries: 100, cacheTtlMs: 60_000 });
    const keys = Array.from({ length: 5 }, (_, i) => {
      const { key, hash } = generateKey({ prefix: "kw", environment: "live" });
      const record: KeyRecord = {
        id: `batch_${i}`,
        companyId: "co_1",
        companySuspended: false,
        name: `k${i}`,
        hash,
        environment: "live",
        scopes: [],
        expiresAt: null,
        revokedAt: null,
        graceEndsAt: null,
        ipAllowlist: [],
        rateLimit: null,
        metadata: null,
      };
      store.byHash.set(hash, record);
      return { secret: key, hash, record };
    });
    for (const k of keys) await verifier.verify(k.secret);
    expect(store.queries).toBe(5);

    // In the store meanwhile: key 0 revoked, key 1 deleted, key 2 revoked and its revocation pushed.
    const [k0, k1, k2] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
    store.byHash.set(k0.hash, { ...k0.record, revokedAt: new Date(T0) });
    store.byHash.delete(k1.hash);
    store.byHash.set(k2.hash, { ...k2.record, revokedAt: new Date(T0) });
    clock.now += 40_000;
    for (const k of keys) expect((await verifier.verify(k.secret)).code).toBe("VALID"); // from the cache
    // The due keys are re-read after REFRESH_BATCH_DELAY_MS (a real timer): wait for that read.
    await vi.waitFor(() => expect(batches.length).toBeGreaterThan(0));
    expect(batches).toHaveLength(1);
    expect(new Set(batches[0])).toEqual(new Set(keys.map((k) => k.hash)));
    verifier.invalidateKeyId(k2.record.id); // lands while the batch is in flight
    store.byHash.set(k2.hash, k2.record); // and the store now says valid again: a fresh read must see that
    release();
    await new Promise((resolve) => setImmediate(resolve));

    expect((await verifier.verify(k0.secret)).code).toBe("REVOKED");
    expect((await verifier.verify(k1.secret)).code).toBe("NOT_FOUND");
    expect((await verifier.verify(k2.secret)).code).toBe("VALID"); // read afresh, not the batch's stale revoked row
    expect((await verifier.verify(keys[3]?.secret)).code).toBe("VALID");
    expect(store.queries).toBe(6); // the five first uses, and k2 after its invalidation
    expect(batches).toHaveLength(1);
  });

  it("invalidateKeyId forces a re-read, so a revocation takes effect at once", async () => {
    const { verifier, store, secret, hash, record } = setup();
    expect((await verifier.verify(secret)).code).toBe("VALID");
    store.byHash.set(hash, { ...record, revokedAt: new Date(T0) });
    expect((await verifier.verify(secret)).code).toBe("VALID");
    verifier.invalidateKeyId(record.id);
    expect((await verifier.verify(secret)).code).toBe("REVOKED");
    expect(store.queries).toBe(2);
  });

  it("invalidateKeyId of an unknown id and clear() behave", async () => {
    const { verifier, store, secret } = setup();
    await verifier.verify(secret);
    verifier.invalidateKeyId("key_nope");
    await verifier.verify(secret);
    expect(store.queries).toBe(1);
    verifier.clear();
    await verifier.verify(secret);
    expect(store.queries).toBe(2);
  });

  it("concurrent misses for the same hash share one store query", async () => {
    const { verifier, store, secret } = setup();
    let open!: () => void;
    store.gate = new Promise((resolve) => {
      open = resolve;
    });
    const pending = Array.from({ length: 20 }, () => verifier.verify(secret));
    const pendingUnknown = Array.from({ length: 20 }, () => verifier.verify(unknownKey));
    open();
    const results = await Promise.all([...pending, ...pendingUnknown]);
    expect(results.map((r) => r.code)).toEqual([...Array(20).fill("VALID"), ...Array(20).fill("NOT_FOUND")]);
    expect(store.queries).toBe(2);
  });

  it("a read in flight during a revocation is not cached afterwards", async () => {
    const { verifier, store, secret, hash, record } = setup();
    let open!: () => void;
    store.gate = new Promise((resolve) => {
      open = resolve;
    });
    const pending = verifier.verify(secret);
    await Promise.resolve();
    store.byHash.set(hash, { ...record, revokedAt: new Date(T0) });
    verifier.invalidateKeyId(record.id);
    open();
    store.gate = null;
    expect((await pending).code).toBe("VALID");
    expect((await verifier.verify(secret)).code).toBe("REVOKED");
  });

  it("a flood of unknown keys does not evict known ones", async () => {
    const { verifier, store, secret } = setup({}, { maxEntries: 10 });
    await verifier.verify(secret);
    for (let i = 0; i < 50; i++) await verifier.verify(generateKey({ prefix: "kw", environment: "live" }).key);
    await verifier.verify(secret);
    expect(store.queries).toBe(51);
  });
});
