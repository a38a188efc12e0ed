// Two-factor sign-in with an authenticator app (docs/security.md#two-factor-sign-in): RFC 6238
// TOTP, SHA-1, 6 digits, 30-second steps, a code of the step before or after accepted for clock
// drift. The seed is sealed with the secret box under a purpose bound to the user, never stored
// plain. Each accepted code moves the user's last step on, and a code of that step or an earlier
// one is refused, so an overheard code cannot be replayed. Ten one-time recovery codes stand in
// for the app; only their SHA-256 is kept (they are random, 60 bits each), and each works once.
// Every check of a code at sign-in goes through PasswordLogins (password-login.ts), so codes are
// throttled like passwords.
import { createHash, randomInt } from "node:crypto";
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { generateSecret, generateURI, verifySync } from "otplib";
import { z } from "zod";
import type { Tx } from "../audit/append";
import { text } from "../bounded-input";
import { emailSchema } from "../companies/create";
import type { SecretBox } from "../secret-box";

export const TOTP_PERIOD_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "Keyward";
const TOTP_SHAPE = /^\d{6}$/;
// Crockford's base32 in lower case: no i, l, o or u to misread; 12 characters are 60 bits.
const RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_SHAPE = /^[0-9abcdefghjkmnpqrstvwxyz]{12}$/;

/** What a code field takes: an authenticator code or a recovery code, spaces and dashes allowed. */
export const twoFactorCodeSchema = text(32).trim().min(1, "Enter the code");

export const twoFactorCodeInputSchema = z.strictObject({ code: twoFactorCodeSchema });

export const turnOffTwoFactorInputSchema = z.strictObject({
  currentPassword: z.string().min(1, "Enter your current password").max(200),
  code: twoFactorCodeSchema,
});

const sealPurpose = (userId: string) => `totp-seed:${userId}`;

/** Spaces and dashes dropped, lower case: `ABCD-efgh 2345` and `abcdefgh2345` are the same code. */
function canonical(code: string): string {
  return code.replace(/[\s-]/g, "").toLowerCase();
}

function hashRecoveryCode(canonicalCode: string): string {
  return createHash("sha256").update(canonicalCode).digest("hex");
}

function newRecoveryCode(): string {
  const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join("")).join("-");
}

function openSeed(box: SecretBox, userId: string, sealed: string): string {
  const secret = box.unseal(sealed, sealPurpose(userId));
  // Sealed under another KEYWARD_ENCRYPTION_KEY: an operator's configuration error, not a wrong code.
  if (secret === null) {
    throw new KeywardError(
      "SERVICE_UNAVAILABLE",
      "The authenticator seed does not open: KEYWARD_ENCRYPTION_KEY differs from the one it was sealed with",
    );
  }
  return secret;
}

/**
 * Accepts an authenticator code for `userId`'s seed at `now`, once: the step it matched is claimed
 * by a conditional update, so the same code (or an older one) cannot be used again, even by two
 * requests at once. Null when refused, else the step.
 */
async function acceptTotp(
  db: Db | Tx,
  box: SecretBox,
  row: { userId: string; sealedSecret: string; lastUsedStep: number | null },
  code: string,
  now: Date,
  enabled: boolean,
): Promise<number | null> {
  if (!TOTP_SHAPE.test(code)) return null;
  const epoch = Math.floor(now.getTime() / 1000);
  // A step accepted ahead of this clock (it was set back): refused until the clock passes it, never reused.
  if (row.lastUsedStep !== null && row.lastUsedStep > Math.floor(epoch / TOTP_PERIOD_SECONDS) + 1) return null;
  const result = verifySync({
    secret: openSeed(box, row.userId, row.sealedSecret),
    token: code,
    epoch,
    strategy: "totp",
    algorithm: "sha1",
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    // In seconds: one step either side.
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(row.lastUsedStep === null ? {} : { afterTimeStep: row.lastUsedStep }),
  });
  // The union also holds HOTP's result, which has no step.
  if (!result.valid || !("timeStep" in result)) return null;
  const claimed = await db.userTwoFactor.updateMany({
    where: {
      userId: row.userId,
      sealedSecret: row.sealedSecret,
      enabledAt: enabled ? { not: null } : null,
      OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: result.timeStep } }],
    },
    data: { lastUsedStep: result.timeStep, ...(enabled ? {} : { enabledAt: now }) },
  });
  return claimed.count === 1 ? result.timeStep : null;
}

/** Uses up one unused recovery code of the user: a conditional update, so a second use fails. */
async function useRecoveryCode(db: Db, userId: string, code: string, now: Date): Promise<boolean> {
  if (!RECOVERY_SHAPE.test(code)) return false;
  const used = await db.userRecoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(code), usedAt: null },
    data: { usedAt: now },
  });
  return used.count === 1;
}

/** Replaces the user's recovery codes with ten new ones, returned once (only hashes are kept). */
async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.userRecoveryCode.deleteMany({ where: { userId } });
  await tx.userRecoveryCode.createMany({
    data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(canonical(code)) })),
  });
  return codes;
}

export interface TwoFactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

/** Whether the user signs in with a second factor, and how many recovery codes are unused. */
export async function twoFactorStatus(db: Db, userId: string): Promise<TwoFactorStatus> {
  const [row, recoveryCodesLeft] = await Promise.all([
    db.userTwoFactor.findUnique({ where: { userId }, select: { enabledAt: true } }),
    db.userRecoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  const enabled = row?.enabledAt != null;
  return { enabled, recoveryCodesLeft: enabled ? recoveryCodesLeft : 0 };
}

/**
 * Starts an enrolment: a new seed, pending until a code confirms it (an earlier pending one is
 * replaced). Returns the seed in base32 and the otpauth:// URI for the QR code; neither is stored plain.
 */
export async function beginTwoFactor(db: Db, box: SecretBox, userId: string): Promise<{ secret: string; uri: string }> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, twoFactor: { select: { enabledAt: true } } },
  });
  if (!user) throw new KeywardError("NOT_FOUND", "No such user");
  const alreadyOn = new KeywardError("CONFLICT", "Two-factor sign-in is already on");
  if (user.twoFactor?.enabledAt) throw alreadyOn;
  const secret = generateSecret();
  const sealedSecret = box.seal(secret, sealPurpose(userId));
  await db.$transaction(async (tx) => {
    await tx.userTwoFactor.deleteMany({ where: { userId, enabledAt: null } });
    // Enabled meanwhile, in another tab: the row is still there and this create fails.
    await tx.userTwoFactor.create({ data: { userId, sealedSecret } }).catch(() => {
      throw alreadyOn;
    });
  });
  return { secret, uri: generateURI({ issuer: ISSUER, label: user.email, secret }) };
}

export type ConfirmTwoFactorOutcome = { ok: true; recoveryCodes: string[] } | { ok: false; reason: "bad_code" };

/**
 * Turns two-factor sign-in on with a current code of the pending seed. The ten recovery codes are
 * returned this once. The code's step counts as used: it cannot sign in afterwards.
 */
export async function confirmTwoFactor(
  db: Db,
  box: SecretBox,
  input: { userId: string; code: string },
  now = new Date(),
): Promise<ConfirmTwoFactorOutcome> {
  const row = await db.userTwoFactor.findUnique({ where: { userId: input.userId } });
  if (!row) throw new KeywardError("NOT_FOUND", "Set up two-factor sign-in first");
  if (row.enabledAt) throw new KeywardError("CONFLICT", "Two-factor sign-in is already on");
  const code = canonical(input.code);
  // One transaction: on with its codes, or not on at all.
  return db.$transaction(async (tx) => {
    if ((await acceptTotp(tx, box, row, code, now, false)) === null)
      return { ok: false as const, reason: "bad_code" as const };
    return { ok: true as const, recoveryCodes: await replaceRecoveryCodes(tx, input.userId) };
  });
}

/** `off`: the user has no second factor. `ok`: the code was accepted (and is now used up). */
export type SecondFactorCheck = "off" | "ok" | "bad_code";

/**
 * Checks a code of a user with two-factor sign-in on: an authenticator code, or (unless
 * `recovery` is false) an unused recovery code, which is used up. Callers throttle (PasswordLogins).
 */
export async function checkSecondFactor(
  db: Db,
  box: SecretBox,
  input: { userId: string; code: string; recovery?: boolean },
  now = new Date(),
): Promise<SecondFactorCheck> {
  const row = await db.userTwoFactor.findUnique({ where: { userId: input.userId } });
  if (!row?.enabledAt) return "off";
  const code = canonical(input.code);
  if ((await acceptTotp(db, box, row, code, now, true)) !== null) return "ok";
  if (input.recovery !== false && (await useRecoveryCode(db, input.userId, code, now))) return "ok";
  return "bad_code";
}

/** Whether the user must give a second factor after their password. */
export async function twoFactorEnabled(db: Db, userId: string): Promise<boolean> {
  const row = await db.userTwoFactor.findUnique({ where: { userId }, select: { enabledAt: true } });
  return row?.enabledAt != null;
}

/** Ten new recovery codes for a user with two-factor sign-in on; the old ones stop working. */
export async function regenerateRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const row = await tx.userTwoFactor.findUnique({ where: { userId }, select: { enabledAt: true } });
    if (!row?.enabledAt) throw new KeywardError("NOT_FOUND", "Two-factor sign-in is off");
    return replaceRecoveryCodes(tx, userId);
  });
}

/** Removes the seed and the recovery codes: the password alone signs in again. True when it was on. */
export async function removeTwoFactor(db: Db, userId: string): Promise<boolean> {
  const [removed] = await db.$transaction([
    db.userTwoFactor.deleteMany({ where: { userId } }),
    db.userRecoveryCode.deleteMany({ where: { userId } }),
  ]);
  return removed.count > 0;
}

/**
 * The operator's recovery for a user who lost both their app and their recovery codes
 * (`keyward users disable-2fa`; host access is the authority).
 */
export async function disableTwoFactorByEmail(db: Db, rawEmail: string): Promise<{ email: string; wasOn: boolean }> {
  const email = emailSchema.safeParse(rawEmail);
  if (!email.success) throw new KeywardError("VALIDATION_FAILED", "Not an email address");
  const user = await db.user.findUnique({ where: { email: email.data }, select: { id: true } });
  if (!user) throw new KeywardError("NOT_FOUND", `No user with the email ${email.data}`);
  const wasOn = await twoFactorEnabled(db, user.id);
  await removeTwoFactor(db, user.id);
  return { email: email.data, wasOn };
}
