// Server-side sessions and password changes: a revoked session stays revoked, every way of setting a
// password ends the other sessions, and a reset link works once, for 30 minutes (clock injected).
import { hashPassword, verifyPassword } from "@keyward/auth-core";
import { useCompanyDatabase } from "@keyward/db/vitest";
import { describe, expect, it } from "vitest";
import {
  changePassword,
  checkSession,
  createPasswordReset,
  listSessions,
  openSession,
  PASSWORD_RESET_TTL_MS,
  PasswordResetThrottle,
  passwordResetIsUsable,
  RESET_REQUESTS_PER_ACCOUNT,
  resetPassword,
  revokeSessions,
  setPasswordByEmail,
} from "../src";

const CHEAP = { N: 1024, r: 8, p: 1 };
const t = useCompanyDatabase("Acme");

let n = 0;
async function user(password = "first password 1") {
  n += 1;
  const email = `session-user${n}@acme.test`;
  const row = await t.db.user.create({ data: { email, passwordHash: await hashPassword(password, CHEAP) } });
  return { id: row.id, email, password };
}
const open = (userId: string, kind: "dashboard" | "api" = "dashboard", now = new Date()) =>
  openSession(
    t.db,
    { userId, kind, ip: "203.0.113.9", userAgent: "Test\u0000Browser", expiresAt: new Date(now.getTime() + 3600_000) },
    now,
  );
const passwordOf = async (id: string) => (await t.db.user.findUniqueOrThrow({ where: { id } })).passwordHash;

describe("sessions", () => {
  it("a session is live for its user only, until revoked or expired; revoking logs the id for every replica", async () => {
    const u = await user();
    const other = await user();
    const now = new Date();
    const id = await open(u.id, "api", now);
    expect(await checkSession(t.db, id, u.id, now)).toBe(true);
    expect(await checkSession(t.db, id, other.id, now)).toBe(false);
    expect(await checkSession(t.db, id, u.id, new Date(now.getTime() + 3600_000))).toBe(false);
    const [listed] = await listSessions(t.db, u.id, now);
    expect(listed).toMatchObject({ id, kind: "api", ip: "203.0.113.9", userAgent: "TestBrowser" });

    expect(await revokeSessions(t.db, u.id, { only: id })).toEqual([id]);
    expect(await checkSession(t.db, id, u.id, now)).toBe(false);
    expect(await listSessions(t.db, u.id, now)).toEqual([]);
    expect(await t.db.keyChange.count({ where: { keyId: id } })).toBe(1);
  });

  it("a dashboard session's end moves on when it is used a minute later; a revoked one is never revived", async () => {
    const u = await user();
    const start = new Date();
    const id = await open(u.id, "dashboard", start);
    const later = new Date(start.getTime() + 30 * 60_000);
    expect(await checkSession(t.db, id, u.id, later)).toBe(true);
    const row = await t.db.userSession.findUniqueOrThrow({ where: { id } });
    expect(row.lastSeenAt).toEqual(later);
    expect(row.expiresAt.getTime()).toBe(later.getTime() + 12 * 3600_000);
    await revokeSessions(t.db, u.id);
    expect(await checkSession(t.db, id, u.id, new Date(later.getTime() + 120_000))).toBe(false);
  });
});

describe("changePassword", () => {
  it("refuses a wrong current password; with the right one, sets it and revokes every other session", async () => {
    const u = await user();
    const [mine, other, api] = [await open(u.id), await open(u.id), await open(u.id, "api")];
    const wrong = await changePassword(
      t.db,
      { userId: u.id, currentPassword: "not it", newPassword: "second password 2", keepSessionId: mine },
      { hashing: CHEAP },
    );
    expect(wrong).toEqual({ ok: false, reason: "wrong-password" });
    const done = await changePassword(
      t.db,
      { userId: u.id, currentPassword: u.password, newPassword: "second password 2", keepSessionId: mine },
      { hashing: CHEAP },
    );
    expect(done.ok && done.revokedSessionIds.sort()).toEqual([other, api].sort());
    expect(await verifyPassword("second password 2", await passwordOf(u.id))).toBe(true);
    expect(await checkSession(t.db, mine, u.id)).toBe(true);
    expect(await checkSession(t.db, other, u.id)).toBe(false);
  });
});

describe("password reset", () => {
  it("no token for an unknown email; the token is stored only as its hash", async () => {
    expect(await createPasswordReset(t.db, "nobody@acme.test")).toBeNull();
    const u = await user();
    const reset = await createPasswordReset(t.db, u.email.toUpperCase());
    expect(reset?.email).toBe(u.email);
    const rows = await t.db.passwordReset.findMany({ where: { userId: u.id } });
    expect(JSON.stringify(rows)).not.toContain(reset?.token);
  });

  it("works once: sets the password, revokes every session; the second use is refused", async () => {
    const u = await user();
    const session = await open(u.id);
    const reset = await createPasswordReset(t.db, u.email);
    const token = reset?.token ?? "";
    expect(await passwordResetIsUsable(t.db, token)).toBe(true);
    const first = await resetPassword(t.db, { token, newPassword: "reset password 3" }, { hashing: CHEAP });
    expect(first).toEqual({ ok: true, revokedSessionIds: [session] });
    expect(await verifyPassword("reset password 3", await passwordOf(u.id))).toBe(true);
    expect(await checkSession(t.db, session, u.id)).toBe(false);
    expect(await passwordResetIsUsable(t.db, token)).toBe(false);
    const again = await resetPassword(t.db, { token, newPassword: "reset password 4" }, { hashing: CHEAP });
    expect(again).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyPassword("reset password 3", await passwordOf(u.id))).toBe(true);
  });

  it("expires after 30 minutes (the clock is injected)", async () => {
    const u = await user();
    const issued = new Date();
    const reset = await createPasswordReset(t.db, u.email, issued);
    const token = reset?.token ?? "";
    const justBefore = new Date(issued.getTime() + PASSWORD_RESET_TTL_MS - 1000);
    const justAfter = new Date(issued.getTime() + PASSWORD_RESET_TTL_MS + 1000);
    expect(await passwordResetIsUsable(t.db, token, justBefore)).toBe(true);
    expect(await passwordResetIsUsable(t.db, token, justAfter)).toBe(false);
    const late = await resetPassword(
      t.db,
      { token, newPassword: "late password 5" },
      { hashing: CHEAP, now: justAfter },
    );
    expect(late).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyPassword(u.password, await passwordOf(u.id))).toBe(true);
  });

  it("a garbled token is refused without a lookup; requests are throttled per account", async () => {
    expect(await resetPassword(t.db, { token: "x", newPassword: "whatever pass 6" }, { hashing: CHEAP })).toEqual({
      ok: false,
      reason: "invalid",
    });
    const throttle = new PasswordResetThrottle({});
    const email = `throttled${Date.now()}@acme.test`;
    for (let i = 0; i < RESET_REQUESTS_PER_ACCOUNT; i++) expect(await throttle.take(email, "198.51.100.1")).toBe(0);
    expect(await throttle.take(email, "198.51.100.2")).toBeGreaterThan(0);
  });
});

describe("setPasswordByEmail (the operator's reset)", () => {
  it("generates a password when none is given, revokes every session and every pending link", async () => {
    const u = await user();
    const session = await open(u.id);
    const link = await createPasswordReset(t.db, u.email);
    const result = await setPasswordByEmail(t.db, u.email, undefined, { hashing: CHEAP });
    expect(result).toMatchObject({ email: u.email, revokedSessions: 1 });
    expect(await verifyPassword(result.generatedPassword ?? "", await passwordOf(u.id))).toBe(true);
    expect(await checkSession(t.db, session, u.id)).toBe(false);
    expect(await passwordResetIsUsable(t.db, link?.token ?? "")).toBe(false);
  });

  it("refuses a short password and an unknown email", async () => {
    const u = await user();
    await expect(setPasswordByEmail(t.db, u.email, "short", { hashing: CHEAP })).rejects.toThrow(/12 characters/);
    await expect(setPasswordByEmail(t.db, "nobody@acme.test", undefined, { hashing: CHEAP })).rejects.toThrow(
      /No user/,
    );
  });
});
