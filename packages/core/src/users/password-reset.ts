// Forgotten passwords (docs/security.md#passwords): a link with a random token, emailed to the
// account's address. Only the token's SHA-256 is stored; it works once, for 30 minutes, and using
// it revokes every session of the user. Asking for a link answers the same whether the email has
// an account or not (the caller sends the email only when there is a token to send).
import { createHash, randomBytes } from "node:crypto";
import { hashPassword, PASSWORD_HASHING, type PasswordHashing } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { emailSchema, passwordSchema } from "../companies/create";
import { revokeSessionsIn } from "../sessions/sessions";

export const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const requestPasswordResetInputSchema = z.strictObject({ email: emailSchema });

export const resetPasswordInputSchema = z
  .strictObject({
    token: z.string().max(100),
    newPassword: passwordSchema,
    confirmPassword: z.string().max(200),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ",
  });

function hashResetToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new reset token for the account with this email (shown only in the link), or null when there is none. */
export async function createPasswordReset(
  db: Db,
  email: string,
  now = new Date(),
): Promise<{ token: string; email: string; expiresAt: Date } | null> {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true },
  });
  if (!user) return null;
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
  await db.passwordReset.create({
    data: { userId: user.id, tokenHash: hashResetToken(token), expiresAt, createdAt: now },
  });
  return { token, email: user.email, expiresAt };
}

/** Whether a link still works (the reset page says so before asking for a password). */
export async function passwordResetIsUsable(db: Db, token: string, now = new Date()): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const row = await db.passwordReset.findUnique({
    where: { tokenHash: hashResetToken(token) },
    select: { usedAt: true, expiresAt: true },
  });
  return row !== null && row.usedAt === null && row.expiresAt > now;
}

export type ResetPasswordOutcome = { ok: true; revokedSessionIds: string[] } | { ok: false; reason: "invalid" };

/**
 * Sets the password with a reset token: once only (the row is claimed by a conditional update, so
 * two uses at once cannot both pass), before it expires. Every session of the user is revoked, and
 * the user's other links stop working.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; newPassword: string },
  opts: { hashing?: PasswordHashing; now?: Date } = {},
): Promise<ResetPasswordOutcome> {
  const now = opts.now ?? new Date();
  if (!TOKEN_SHAPE.test(input.token)) return { ok: false, reason: "invalid" };
  const chosen = passwordSchema.parse(input.newPassword);
  const passwordHash = await hashPassword(chosen, opts.hashing ?? PASSWORD_HASHING);
  return db.$transaction(async (tx) => {
    const row = await tx.passwordReset.findUnique({
      where: { tokenHash: hashResetToken(input.token) },
      select: { id: true, userId: true },
    });
    if (!row) return { ok: false as const, reason: "invalid" as const };
    const claimed = await tx.passwordReset.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count === 0) return { ok: false as const, reason: "invalid" as const };
    await tx.passwordReset.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: now } });
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    const revokedSessionIds = await revokeSessionsIn(tx, row.userId, {}, now);
    return { ok: true as const, revokedSessionIds };
  });
}
