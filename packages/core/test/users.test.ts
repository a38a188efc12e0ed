// Password logins: a correct password whose stored hash has older parameters is rehashed at once.
import { hashPassword, PASSWORD_HASHING, verifyPassword } from "@keyward/auth-core";
import { useCompanyDatabase } from "@keyward/db/vitest";
import { describe, expect, it } from "vitest";
import { authenticateUser } from "../src";

// Cheap parameters, passed explicitly (production code always uses PASSWORD_HASHING).
const OLD = { N: 1024, r: 8, p: 1 };
const CURRENT = { N: 2048, r: 8, p: 1 };
const REFUSED = { ok: false, reason: "refused" };

const t = useCompanyDatabase("Acme");

let n = 0;
async function member(password: string, hashing: { N: number; r: number; p: number }) {
  n += 1;
  const email = `user${n}@acme.test`;
  const user = await t.db.user.create({ data: { email, passwordHash: await hashPassword(password, hashing) } });
  await t.db.membership.create({ data: { companyId: t.companyId, userId: user.id, role: "admin" } });
  return { id: user.id, email };
}
const storedHash = async (id: string) => (await t.db.user.findUniqueOrThrow({ where: { id } })).passwordHash;

describe("authenticateUser", () => {
  it("rehashes a stored hash with older parameters on a correct login; the new hash verifies", async () => {
    const user = await member("old password 1", OLD);
    expect(await storedHash(user.id)).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await authenticateUser(t.db, user.email, "old password 1", { hashing: CURRENT })).toMatchObject({
      ok: true,
      user: { id: user.id, role: "admin" },
    });
    const after = await storedHash(user.id);
    expect(after).toMatch(/^scrypt\$2048\$8\$1\$/);
    expect(await verifyPassword("old password 1", after)).toBe(true);
    // Next login: nothing left to upgrade, the hash stays as it is.
    expect(await authenticateUser(t.db, user.email, "old password 1", { hashing: CURRENT })).toMatchObject({
      ok: true,
    });
    expect(await storedHash(user.id)).toBe(after);
  });

  it("a wrong password or an unknown email rehashes nothing", async () => {
    const user = await member("old password 2", OLD);
    const before = await storedHash(user.id);
    expect(await authenticateUser(t.db, user.email, "wrong password", { hashing: CURRENT })).toEqual(REFUSED);
    expect(await authenticateUser(t.db, "nobody@acme.test", "old password 2", { hashing: CURRENT })).toEqual(REFUSED);
    expect(await storedHash(user.id)).toBe(before);
  });

  it("by default the rehash target is OWASP's N=2^17 (a hash of the previous N=2^15 is upgraded)", async () => {
    const user = await member("old password 3", { N: 2 ** 15, r: 8, p: 1 });
    expect(await authenticateUser(t.db, user.email, "old password 3")).toMatchObject({ ok: true });
    expect(await storedHash(user.id)).toMatch(new RegExp(`^scrypt\\$${PASSWORD_HASHING.N}\\$8\\$1\\$`));
  });
});
