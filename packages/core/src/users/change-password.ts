// A user's password changes three ways (docs/security.md#passwords): by the user who knows it (the
// account page), by a forgotten-password link (password-reset.ts), or by the operator on the host
// (`keyward users reset-password`). Each one ends the user's other sessions, in the same transaction.
import { randomBytes } from "node:crypto";
import { hashPassword, KeywardError, PASSWORD_HASHING, type PasswordHashing, verifyPassword } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { emailSchema, passwordSchema } from "../companies/create";
import { revokeSessionsIn } from "../sessions/sessions";

export const changePasswordInputSchema = z
  .strictObject({
    currentPassword: z.string().min(1, "Enter your current password").max(200),
    newPassword: passwordSchema,
    confirmPassword: z.string().max(200),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ",
  });

export type ChangePasswordOutcome = { ok: true; revokedSessionIds: string[] } | { ok: false; reason: "wrong-password" };

/**
 * Changes the password of a user who proves the current one; every session but `keepSessionId`
 * (the browser that asked) is revoked. The ids revoked are returned for announcing.
 */
export async function changePassword(
  db: Db,
  input: { userId: string; currentPassword: string; newPassword: string; keepSessionId: string },
  opts: { hashing?: PasswordHashing } = {},
): Promise<ChangePasswordOutcome> {
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { passwordHash: true } });
  if (!user) throw new KeywardError("NOT_FOUND", "No such user");
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) return { ok: false, reason: "wrong-password" };
  const passwordHash = await hashPassword(input.newPassword, opts.hashing ?? PASSWORD_HASHING);
  return db.$transaction(async (tx) => {
    // Only if unchanged since it was checked: a concurrent change wins, and this one must prove it again.
    const changed = await tx.user.updateMany({
      where: { id: input.userId, passwordHash: user.passwordHash },
      data: { passwordHash },
    });
    if (changed.count === 0) return { ok: false as const, reason: "wrong-password" as const };
    const revokedSessionIds = await revokeSessionsIn(tx, input.userId, { except: input.keepSessionId });
    return { ok: true as const, revokedSessionIds };
  });
}

/**
 * The operator's reset (`keyward users reset-password`; host access is the authority): sets
 * `password`, or a generated one returned once, and revokes every session of the user.
 */
export async function setPasswordByEmail(
  db: Db,
  rawEmail: string,
  password: string | undefined,
  opts: { hashing?: PasswordHashing } = {},
): Promise<{ email: string; generatedPassword: string | null; revokedSessions: number }> {
  const email = emailSchema.safeParse(rawEmail);
  if (!email.success) throw new KeywardError("VALIDATION_FAILED", "Not an email address");
  const generatedPassword = password === undefined ? randomBytes(18).toString("base64url") : null;
  const chosen = passwordSchema.safeParse(password ?? generatedPassword);
  if (!chosen.success) throw new KeywardError("VALIDATION_FAILED", "The password needs at least 12 characters");
  const user = await db.user.findUnique({ where: { email: email.data }, select: { id: true } });
  if (!user) throw new KeywardError("NOT_FOUND", `No user with the email ${email.data}`);
  const passwordHash = await hashPassword(chosen.data, opts.hashing ?? PASSWORD_HASHING);
  const revoked = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    // A reset link sent before must not set another password afterwards.
    await tx.passwordReset.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: new Date() } });
    return revokeSessionsIn(tx, user.id);
  });
  return { email: email.data, generatedPassword, revokedSessions: revoked.length };
}
