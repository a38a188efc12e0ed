import { scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, PASSWORD_HASHING, verifyPassword } from "../src/password";

// Cheap parameters, passed explicitly: production code always hashes with PASSWORD_HASHING.
const FAST = { N: 1024, r: 8, p: 1 };

describe("password hashing", () => {
  it("new hashes use OWASP's scrypt parameters (N=2^17, r=8, p=1) and verify", async () => {
    expect(PASSWORD_HASHING).toEqual({ N: 131072, r: 8, p: 1 });
    const stored = await hashPassword("correct horse");
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("correct horse", stored)).toBe(true);
    expect(needsRehash(stored)).toBe(false);
  });

  it("a hash made with older parameters (N=2^15) still verifies and needs a rehash; the new one does not", async () => {
    const old = await hashPassword("correct horse", { N: 2 ** 15, r: 8, p: 1 });
    expect(old).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, { N: 2 ** 15, r: 8, p: 1 })).toBe(false);
    expect(needsRehash("not a hash")).toBe(false);
  });

  it("refuses to hash with unusable parameters", async () => {
    await expect(hashPassword("pw", { N: 1000, r: 8, p: 1 })).rejects.toThrow(RangeError);
    await expect(hashPassword("pw", { N: 2 ** 20, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });

  it("round-trips, salts, and rejects the wrong password", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse", FAST), hashPassword("correct horse", FAST)]);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horse", b)).toBe(true);
    expect(await verifyPassword("correct horsE", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("verifies a hash made with other parameters, read from the stored string", async () => {
    const salt = Buffer.from("saltsaltsaltsalt");
    const hash = scryptSync("pw", salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString("base64url")}$${hash.toString("base64url")}`;
    expect(await verifyPassword("pw", stored)).toBe(true);
    expect(await verifyPassword("px", stored)).toBe(false);
  });

  it.each([
    "",
    "not a hash",
    "bcrypt$10$abc",
    "scrypt$32768$8$1$c2FsdA",
    "scrypt$32768$8$1$c2FsdA$",
    "scrypt$32768$8$1$$aGFzaGhhc2hoYXNoaGFzaA",
    "scrypt$1000$8$1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
    "scrypt$1073741824$8$1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
    "scrypt$32768$1024$1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
    "scrypt$32768$8$0$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
    "scrypt$32768$8$1$c2FsdA$aGFzaA",
    "scrypt$32768$8$1$c2Fs+A$aGFzaGhhc2hoYXNoaGFzaA",
    "scrypt$32768$8$1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA$extra",
  ])("returns false, never throws, for stored value %j", async (stored) => {
    await expect(verifyPassword("pw", stored)).resolves.toBe(false);
  });
});
