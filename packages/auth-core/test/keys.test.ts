import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  fingerprintOf,
  generateKey,
  hashKey,
  isValidPrefix,
  keyStart,
  looksLikeSha256Hex,
  parseKey,
} from "../src/keys";
import { BODY_43, typoOf, withChecksum } from "./helpers";

describe("generateKey", () => {
  it.each([
    ["kw", "live"],
    ["kw", "test"],
    ["acme2024", "live"],
    ["abcdefghij", "test"],
  ] as const)("%s/%s has the documented layout", (prefix, environment) => {
    const { key, hash, start, fingerprint } = generateKey({ prefix, environment });
    const parsed = parseKey(key);
    expect(parsed).toEqual({ prefix, environment, body: expect.any(String), checksum: expect.any(String) });
    expect(parsed?.body).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(parsed?.checksum).toMatch(/^[0-9A-Za-z]{6}$/);
    expect(key).toBe(`${prefix}_${environment}_${parsed?.body}${parsed?.checksum}`);
    expect(key.includes(`_${environment}_`)).toBe(true);
    expect(hash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(fingerprint).toBe(hash.slice(0, 8));
    expect(start).toBe(`${prefix}_${environment}_${parsed?.body.slice(0, 4)}`);
  });

  it("body encodes 32 random bytes: never above 2^256, and keys do not repeat", () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const body = parseKey(generateKey({ prefix: "kw", environment: "live" }).key)?.body ?? "";
      expect(decodeBase62(body) < 2n ** 256n).toBe(true);
      bodies.add(body);
    }
    expect(bodies.size).toBe(200);
  });

  it.each(["", "k", "KW", "kw_", "k-w", "kw!", "abcdefghijk", "kw ", "ķw"])("throws on prefix %j", (prefix) => {
    expect(() => generateKey({ prefix, environment: "live" })).toThrow(/prefix/);
  });
});

describe("parseKey", () => {
  it("refuses a checksum char outside base62 even where its arithmetic value aliases a digit (':' reads as '3')", () => {
    let key = generateKey({ prefix: "kw", environment: "live" }).key;
    while (!/[3-9]/.test(key.slice(-6))) key = generateKey({ prefix: "kw", environment: "live" }).key;
    const at = key.length - 6 + key.slice(-6).search(/[3-9]/);
    const alias = String.fromCharCode(key.charCodeAt(at) + 7); // '3'..'9' → ':'..'@'
    expect(parseKey(key)).not.toBeNull();
    expect(parseKey(key.slice(0, at) + alias + key.slice(at + 1))).toBeNull();
  });

  const valid = withChecksum(`kw_live_${BODY_43}`);

  it("accepts a hand-built key and splits it", () => {
    expect(parseKey(valid)).toEqual({
      prefix: "kw",
      environment: "live",
      body: BODY_43,
      checksum: valid.slice(-6),
    });
  });

  it("a one-character typo anywhere fails the checksum", () => {
    const { key } = generateKey({ prefix: "kw", environment: "test" });
    for (let i = 0; i < key.length; i++) {
      const typo = key.slice(0, i) + typoOf(key.charAt(i)) + key.slice(i + 1);
      expect(parseKey(typo), `typo at ${i}`).toBeNull();
    }
  });

  it.each([
    ["uppercase prefix", withChecksum(`KW_live_${BODY_43}`)],
    ["prefix with a dash", withChecksum(`k-w_live_${BODY_43}`)],
    ["one-char prefix", withChecksum(`k_live_${BODY_43}`)],
    ["11-char prefix", withChecksum(`abcdefghijk_live_${BODY_43}`)],
    ["unknown environment", withChecksum(`kw_prod_${BODY_43}`)],
    ["uppercase environment", withChecksum(`kw_LIVE_${BODY_43}`)],
    ["42-char body", withChecksum(`kw_live_${BODY_43.slice(1)}`)],
    ["44-char body", withChecksum(`kw_live_${BODY_43}x`)],
    ["non-base62 body", withChecksum(`kw_live_${BODY_43.slice(1)}+`)],
    ["missing separator", withChecksum(`kwlive_${BODY_43}`)],
    ["leading space", ` ${valid}`],
    ["trailing newline", `${valid}\n`],
    ["checksum of another key", valid.slice(0, -6) + withChecksum(`kw_test_${BODY_43}`).slice(-6)],
    ["empty", ""],
    ["huge", "a".repeat(1_000_000)],
  ])("rejects %s", (_, raw) => {
    expect(parseKey(raw)).toBeNull();
  });

  it.each([undefined, null, 42, {}, [], Buffer.from(valid), new String(valid)])("rejects non-string %s", (raw) => {
    expect(parseKey(raw)).toBeNull();
  });
});

describe("hashing and display", () => {
  it("hashKey is SHA-256 hex of the whole key", () => {
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("fingerprintOf is the first 8 hex chars", () => {
    expect(fingerprintOf("ba7816bf8f01cfea")).toBe("ba7816bf");
  });

  it.each([
    [withChecksum(`kw_live_${BODY_43}`), "kw_live_Ab3d"],
    [withChecksum(`acme_test_${BODY_43}`), "acme_test_Ab3d"],
  ])("keyStart(%s) is %s", (key, start) => {
    expect(keyStart(key)).toBe(start);
  });

  it.each([
    ["kw", true],
    ["abcdefghij", true],
    ["k", false],
    ["Kw", false],
    ["k_w", false],
  ])("isValidPrefix(%j) is %s", (prefix, expected) => {
    expect(isValidPrefix(prefix)).toBe(expected);
  });

  it.each([
    ["a".repeat(64), true],
    [hashKey("x"), true],
    ["A".repeat(64), false],
    ["a".repeat(63), false],
    ["a".repeat(65), false],
    ["g".repeat(64), false],
    [`${"a".repeat(63)}\n`, false],
  ])("looksLikeSha256Hex(%j) is %s", (s, expected) => {
    expect(looksLikeSha256Hex(s)).toBe(expected);
  });
});

function decodeBase62(s: string): bigint {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let n = 0n;
  for (const c of s) n = n * 62n + BigInt(alphabet.indexOf(c));
  return n;
}
