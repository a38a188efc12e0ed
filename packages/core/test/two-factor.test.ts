// Two-factor sign-in on a real database: enrolment, codes used once, recovery codes used once, and
// the sign-in through PasswordLogins (codes throttled like passwords). Codes are computed here with
// the same library at exact instants, so nothing depends on the wall clock's step.
import { randomUUID } from "node:crypto";
import { hashPassword } from "@keyward/auth-core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { generateSync } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aesSecretBox,
  beginTwoFactor,
  checkSecondFactor,
  confirmTwoFactor,
  disableTwoFactorByEmail,
  PasswordLogins,
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP as PER_PAIR,
  twoFactorStatus,
} from "../src";

const FAST = { N: 1024, r: 8, p: 1 };
const PASSWORD = "the owner's password";
const box = aesSecretBox(Buffer.alloc(32, 7));
// A fixed instant at the start of a 30-second step.
const T0 = new Date(1_900_000_020_000);
const at = (steps: number) => new Date(T0.getTime() + steps * 30_000);
// Before the wall clock's now, for the sign-ins that run at the real time.
const LAST_YEAR = new Date(Date.now() - 365 * 86_400_000);
const codeAt = (secret: string, when: Date) => generateSync({ secret, epoch: Math.floor(when.getTime() / 1000) });

let database: TestDatabase;
let db: Db;
let logins: PasswordLogins;
let companyId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  logins = new PasswordLogins({ db, hashing: FAST, secretBox: box });
  companyId = (await db.company.create({ data: { name: "Acme" } })).id;
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

async function owner(): Promise<{ id: string; email: string }> {
  const email = `owner-${randomUUID()}@acme.test`;
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(PASSWORD, FAST) } });
  await db.membership.create({ data: { companyId, userId: user.id, role: "owner" } });
  return { id: user.id, email };
}

/** An owner with two-factor sign-in on, confirmed at `when`. */
async function enrolled(when = T0): Promise<{ id: string; email: string; secret: string; recoveryCodes: string[] }> {
  const user = await owner();
  const { secret } = await beginTwoFactor(db, box, user.id);
  const confirmed = await confirmTwoFactor(db, box, { userId: user.id, code: codeAt(secret, when) }, when);
  if (!confirmed.ok) throw new Error("enrolment failed");
  return { ...user, secret, recoveryCodes: confirmed.recoveryCodes };
}

let ipCount = 0;
const freshIp = () => {
  ipCount += 1;
  return `fd00:2fa:${randomUUID().slice(0, 4)}::${ipCount.toString(16)}`;
};

describe("enrolment", () => {
  it("begins with a sealed seed, bound to the user, and an otpauth URI", async () => {
    const user = await owner();
    const { secret, uri } = await beginTwoFactor(db, box, user.id);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toBe(`otpauth://totp/Keyward:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Keyward`);
    const row = await db.userTwoFactor.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.sealedSecret).not.toContain(secret);
    expect(box.unseal(row.sealedSecret, `totp-seed:${user.id}`)).toBe(secret);
    expect(box.unseal(row.sealedSecret, `totp-seed:${randomUUID()}`)).toBeNull();
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
  });

  it("a wrong code does not turn it on; a current one does and gives ten recovery codes, kept as hashes", async () => {
    const user = await owner();
    const { secret } = await beginTwoFactor(db, box, user.id);
    expect(await confirmTwoFactor(db, box, { userId: user.id, code: codeAt(secret, at(5)) }, T0)).toEqual({
      ok: false,
      reason: "bad_code",
    });
    expect((await twoFactorStatus(db, user.id)).enabled).toBe(false);
    const confirmed = await confirmTwoFactor(db, box, { userId: user.id, code: codeAt(secret, T0) }, T0);
    if (!confirmed.ok) throw new Error("refused");
    expect(confirmed.recoveryCodes).toHaveLength(10);
    for (const code of confirmed.recoveryCodes)
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    const stored = await db.userRecoveryCode.findMany({ where: { userId: user.id } });
    expect(stored.map((r) => r.codeHash)).not.toContain(confirmed.recoveryCodes[0]);
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.codeHash))).toBe(true);
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    await expect(beginTwoFactor(db, box, user.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("beginning again replaces a pending seed: the first one no longer confirms", async () => {
    const user = await owner();
    const first = await beginTwoFactor(db, box, user.id);
    const second = await beginTwoFactor(db, box, user.id);
    expect(await confirmTwoFactor(db, box, { userId: user.id, code: codeAt(first.secret, T0) }, T0)).toMatchObject({
      ok: false,
    });
    expect(await confirmTwoFactor(db, box, { userId: user.id, code: codeAt(second.secret, T0) }, T0)).toMatchObject({
      ok: true,
    });
  });
});

describe("checking a code", () => {
  it("one step of drift either way is accepted, two are not", async () => {
    const user = await enrolled();
    expect(await checkSecondFactor(db, box, { userId: user.id, code: codeAt(user.secret, at(12)) }, at(10))).toBe(
      "bad_code",
    );
    expect(await checkSecondFactor(db, box, { userId: user.id, code: codeAt(user.secret, at(11)) }, at(10))).toBe("ok");
    expect(await checkSecondFactor(db, box, { userId: user.id, code: codeAt(user.secret, at(20)) }, at(21))).toBe("ok");
  });

  it("a code cannot be replayed, nor an older one used after a newer one", async () => {
    const user = await enrolled();
    const code = codeAt(user.secret, at(3));
    expect(await checkSecondFactor(db, box, { userId: user.id, code }, at(3))).toBe("ok");
    expect(await checkSecondFactor(db, box, { userId: user.id, code }, at(3))).toBe("bad_code");
    expect(await checkSecondFactor(db, box, { userId: user.id, code: codeAt(user.secret, at(2)) }, at(3))).toBe(
      "bad_code",
    );
    // The enrolment's own code is used up too.
    const fresh = await enrolled(at(40));
    expect(await checkSecondFactor(db, box, { userId: fresh.id, code: codeAt(fresh.secret, at(40)) }, at(40))).toBe(
      "bad_code",
    );
    expect(await checkSecondFactor(db, box, { userId: fresh.id, code: codeAt(fresh.secret, at(41)) }, at(41))).toBe(
      "ok",
    );
  });

  it("the same code twice at once: only one is accepted", async () => {
    const user = await enrolled();
    const code = codeAt(user.secret, at(7));
    const results = await Promise.all(
      Array.from({ length: 5 }, () => checkSecondFactor(db, box, { userId: user.id, code }, at(7))),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
  });

  it("a recovery code works once, in any case and with or without dashes", async () => {
    const user = await enrolled();
    const [first = "", second = ""] = user.recoveryCodes;
    expect(await checkSecondFactor(db, box, { userId: user.id, code: first })).toBe("ok");
    expect(await checkSecondFactor(db, box, { userId: user.id, code: first })).toBe("bad_code");
    expect(
      await checkSecondFactor(db, box, { userId: user.id, code: ` ${second.replaceAll("-", "").toUpperCase()} ` }),
    ).toBe("ok");
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: true, recoveryCodesLeft: 8 });
    // Where only the app is accepted, a recovery code is not.
    expect(
      await checkSecondFactor(db, box, { userId: user.id, code: user.recoveryCodes[2] ?? "", recovery: false }),
    ).toBe("bad_code");
  });

  it("a recovery code used twice at once: only one use succeeds", async () => {
    const user = await enrolled();
    const code = user.recoveryCodes[0] ?? "";
    const results = await Promise.all(
      Array.from({ length: 5 }, () => checkSecondFactor(db, box, { userId: user.id, code })),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
  });

  it("a seed sealed under another key is an operator's error, not a wrong code", async () => {
    const user = await enrolled(LAST_YEAR);
    await expect(
      checkSecondFactor(db, aesSecretBox(Buffer.alloc(32, 9)), {
        userId: user.id,
        code: "123456",
      }),
    ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });
});

describe("sign-in with PasswordLogins", () => {
  const now = () => new Date();

  it("the right password without a code asks for one, and is given back; a wrong password is refused first", async () => {
    const user = await enrolled(LAST_YEAR);
    const ip = freshIp();
    for (let i = 0; i < PER_PAIR + 3; i++) {
      expect(await logins.attempt({ email: user.email, password: PASSWORD, ip })).toEqual({
        ok: false,
        reason: "code_required",
      });
    }
    expect(await logins.attempt({ email: user.email, password: "wrong", ip, code: "123456" })).toEqual({
      ok: false,
      reason: "refused",
    });
    // The next step's code: accepted (one step of drift) whether or not the step turns meanwhile.
    const code = codeAt(user.secret, new Date(now().getTime() + 30_000));
    expect(await logins.attempt({ email: user.email, password: PASSWORD, ip, code })).toMatchObject({
      ok: true,
      user: { id: user.id },
    });
    expect(await logins.attempt({ email: user.email, password: PASSWORD, ip, code })).toEqual({
      ok: false,
      reason: "bad_code",
    });
  });

  it("wrong codes count like wrong passwords: the pair is throttled, even for the right code", async () => {
    const user = await enrolled(LAST_YEAR);
    const ip = freshIp();
    const right = codeAt(user.secret, now());
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < PER_PAIR; i++) {
      expect(await logins.attempt({ email: user.email, password: PASSWORD, ip, code: wrong })).toEqual({
        ok: false,
        reason: "bad_code",
      });
    }
    expect(await logins.attempt({ email: user.email, password: PASSWORD, ip, code: right })).toMatchObject({
      ok: false,
      reason: "throttled",
    });
    // A recovery code from elsewhere still signs in, once.
    const recovery = user.recoveryCodes[0] ?? "";
    expect((await logins.attempt({ email: user.email, password: PASSWORD, ip: freshIp(), code: recovery })).ok).toBe(
      true,
    );
    expect(await logins.attempt({ email: user.email, password: PASSWORD, ip: freshIp(), code: recovery })).toEqual({
      ok: false,
      reason: "bad_code",
    });
  });

  it("an account without two-factor sign-in ignores a code", async () => {
    const user = await owner();
    expect((await logins.attempt({ email: user.email, password: PASSWORD, ip: freshIp(), code: "123456" })).ok).toBe(
      true,
    );
  });

  it("turning it off takes the password and a code; then the password alone signs in", async () => {
    const user = await enrolled(LAST_YEAR);
    const ip = freshIp();
    const recovery = user.recoveryCodes[0] ?? "";
    expect(await logins.turnOffTwoFactor({ email: user.email, password: "wrong", code: recovery, ip })).toEqual({
      ok: false,
      reason: "refused",
    });
    expect(await logins.turnOffTwoFactor({ email: user.email, password: PASSWORD, code: "", ip })).toEqual({
      ok: false,
      reason: "code_required",
    });
    expect((await twoFactorStatus(db, user.id)).enabled).toBe(true);
    expect((await logins.turnOffTwoFactor({ email: user.email, password: PASSWORD, code: recovery, ip })).ok).toBe(
      true,
    );
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await db.userRecoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await logins.attempt({ email: user.email, password: PASSWORD, ip })).ok).toBe(true);
  });

  it("new recovery codes take an authenticator code; the old ones stop working", async () => {
    const user = await enrolled(LAST_YEAR);
    const ip = freshIp();
    const old = user.recoveryCodes[0] ?? "";
    const base = { userId: user.id, email: user.email, ip };
    expect(await logins.regenerateRecoveryCodes({ ...base, code: old })).toEqual({ ok: false, reason: "bad_code" });
    const regenerated = await logins.regenerateRecoveryCodes({ ...base, code: codeAt(user.secret, now()) });
    expect(regenerated.ok).toBe(true);
    expect(regenerated.recoveryCodes).toHaveLength(10);
    expect(regenerated.recoveryCodes).not.toContain(old);
    expect(await checkSecondFactor(db, box, { userId: user.id, code: old })).toBe("bad_code");
    expect(await checkSecondFactor(db, box, { userId: user.id, code: regenerated.recoveryCodes?.[0] ?? "" })).toBe(
      "ok",
    );
  });

  it("the operator turns it off by email (keyward users disable-2fa)", async () => {
    const user = await enrolled();
    expect(await disableTwoFactorByEmail(db, user.email.toUpperCase())).toEqual({ email: user.email, wasOn: true });
    expect(await disableTwoFactorByEmail(db, user.email)).toEqual({ email: user.email, wasOn: false });
    await expect(disableTwoFactorByEmail(db, "nobody@acme.test")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await logins.attempt({ email: user.email, password: PASSWORD, ip: freshIp() })).ok).toBe(true);
  });
});
