import { crc32 } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileAllowlist, isValidAllowlistEntry } from "../src/ip";
import { generateKey, isWellFormedKey, parseKey } from "../src/keys";
import { isValidScope, scopeGrants } from "../src/scopes";
import { type KeyRecord, KeyVerifier } from "../src/verify";
import { withChecksum } from "./helpers";

const realKey = generateKey({ prefix: "kw", environment: "live" });

/** Strings an attacker would send: any unicode, control chars, huge, and near-misses of a real key. */
const hostile = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) }),
  fc.tuple(fc.string({ maxLength: 4 }), fc.integer({ min: 1, max: 200_000 })).map(([s, n]) => s.repeat(n)),
  fc
    .tuple(fc.nat({ max: realKey.key.length - 1 }), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }))
    .filter(([i, c]) => realKey.key.charAt(i) !== c)
    .map(([i, c]) => realKey.key.slice(0, i) + c + realKey.key.slice(i + 1)),
  fc.nat({ max: realKey.key.length - 1 }).map((i) => realKey.key.slice(0, i) + realKey.key.slice(i + 1)),
  fc.string({ unit: "binary", minLength: 1, maxLength: 3 }).map((s) => realKey.key + s),
);

const record: KeyRecord = {
  id: "key_1",
  companyId: "co_1",
  companySuspended: false,
  name: "prod",
  hash: realKey.hash,
  environment: "live",
  scopes: ["*"],
  expiresAt: null,
  revokedAt: null,
  graceEndsAt: null,
  ipAllowlist: [],
  rateLimit: null,
  metadata: null,
};

/** The key format as a regex and zlib's CRC-32: the slow, obvious reading of docs/api.md#keys that the hand-written check must agree with. */
function oracle(raw: string): boolean {
  const match = /^[a-z0-9]{2,10}_(?:live|test)_[0-9A-Za-z]{49}$/.exec(raw);
  if (match === null) return false;
  const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let checksum = 0;
  for (const c of raw.slice(-6)) checksum = checksum * 62 + B62.indexOf(c);
  return checksum === crc32(raw.slice(0, -6));
}

const base62Char = fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
/** Keys of every prefix length and both environments, checksummed with zlib, then maybe damaged once. */
const nearKeys = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 2, maxLength: 10 }),
    fc.constantFrom("live", "test"),
    fc.string({ unit: base62Char, minLength: 43, maxLength: 43 }),
    fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0x17f }), fc.boolean()), { nil: undefined }),
  )
  .map(([prefix, env, body, damage]) => {
    const unchecked = `${prefix}_${env}_${body}`;
    if (damage === undefined) return withChecksum(unchecked);
    const [position, code, beforeChecksum] = damage;
    const put = (s: string, at: number) => s.slice(0, at) + String.fromCharCode(code) + s.slice(at + 1);
    // Damage before checksumming leaves a valid CRC, so only the layout check can refuse it.
    if (beforeChecksum) return withChecksum(put(unchecked, position % unchecked.length));
    const key = withChecksum(unchecked);
    return put(key, position % key.length);
  });

describe("the per-request format check", () => {
  it("agrees with the regex and zlib's CRC-32 on real, damaged and hostile keys", () => {
    fc.assert(
      fc.property(fc.oneof(nearKeys, hostile), (raw) => {
        expect(isWellFormedKey(raw)).toBe(oracle(raw));
        expect(parseKey(raw) !== null).toBe(oracle(raw));
      }),
      { numRuns: 5_000 },
    );
  });

  it("accepts every generated key", () => {
    for (let i = 0; i < 200; i++) {
      const env = i % 2 === 0 ? "live" : "test";
      expect(isWellFormedKey(generateKey({ prefix: `p${i}`, environment: env }).key)).toBe(true);
    }
  });
});

describe("hostile input", () => {
  it("parseKey never throws and never accepts anything but a real key", () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.anything()), (raw) => {
        expect(parseKey(raw)).toBeNull();
      }),
      { numRuns: 2_000 },
    );
  });

  it("isValidScope and scopeGrants never throw", () => {
    fc.assert(
      fc.property(hostile, fc.array(hostile, { maxLength: 4 }), (scope, available) => {
        if (!isValidScope(scope)) expect(scopeGrants([...available, "*"], scope)).toBe(false);
      }),
    );
  });

  it("compileAllowlist never throws; garbage entries match nothing", () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), hostile, (entries, ip) => {
        const allows = compileAllowlist(entries);
        const anyValid = entries.some(isValidAllowlistEntry);
        expect(allows(ip) && !anyValid).toBe(false);
        expect(allows("10.0.0.1") && !anyValid).toBe(false);
      }),
    );
  });

  it("verify never throws and never says valid", async () => {
    let queries = 0;
    const verifier = new KeyVerifier({
      store: {
        findByHash: async (hash) => {
          queries++;
          return hash === record.hash ? record : null;
        },
      },
      maxEntries: 1_000,
    });
    expect((await verifier.verify(realKey.key)).valid).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostile, fc.anything()), hostile, async (raw, ip) => {
        const result = await verifier.verify(raw, { ip, requiredScopes: [String(ip)] });
        expect(result.valid).toBe(false);
        expect(result.code).toBe("MALFORMED");
      }),
      { numRuns: 1_000 },
    );
    expect(queries).toBe(1);
  });

  it("well-formed keys with a valid checksum but a random body are NOT_FOUND, never valid", async () => {
    const verifier = new KeyVerifier({
      store: { findByHash: async (hash) => (hash === record.hash ? record : null) },
      maxEntries: 1_000,
    });
    const base62 = fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    const body = fc.string({ unit: base62, minLength: 43, maxLength: 43 });
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("live", "test"), async (b, env) => {
        const result = await verifier.verify(withChecksum(`kw_${env}_${b}`));
        expect(result).toEqual({ valid: false, code: "NOT_FOUND" });
      }),
    );
  });
});
