import { generateKey, isWellFormedKey as serverCheck } from "@keyward/auth-core";
import { describe, expect, it } from "vitest";
import { isWellFormedKey } from "../src/key-format.js";

// A seeded generator, so every run checks the same strings.
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("the SDK's key check agrees with the server's", () => {
  it("on generated keys of every prefix length and environment", () => {
    for (const prefix of ["kw", "acme", "abcdefghij", "k9"]) {
      for (const environment of ["live", "test"] as const) {
        for (let i = 0; i < 50; i++) {
          const { key } = generateKey({ prefix, environment });
          expect(isWellFormedKey(key)).toBe(true);
          expect(serverCheck(key)).toBe(true);
        }
      }
    }
  });

  it("on keys with one character changed, and on random strings", () => {
    const random = seeded(42);
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-é\u0000 ";
    for (let i = 0; i < 2000; i++) {
      const { key } = generateKey({ prefix: "kw", environment: random() < 0.5 ? "live" : "test" });
      const at = Math.floor(random() * key.length);
      const swapped = alphabet.charAt(Math.floor(random() * alphabet.length));
      const altered = key.slice(0, at) + swapped + key.slice(at + 1);
      expect(isWellFormedKey(altered)).toBe(serverCheck(altered));
      const length = Math.floor(random() * 70);
      let garbage = "";
      for (let j = 0; j < length; j++) garbage += alphabet.charAt(Math.floor(random() * alphabet.length));
      expect(isWellFormedKey(garbage)).toBe(serverCheck(garbage));
    }
  });

  it("refuses what is not a string or is far too long", () => {
    expect(isWellFormedKey(undefined)).toBe(false);
    expect(isWellFormedKey(42)).toBe(false);
    expect(isWellFormedKey("kw_live_".padEnd(1_000_000, "a"))).toBe(false);
  });
});
