"use server";

import {
  beginTwoFactor,
  changePassword,
  changePasswordInputSchema,
  confirmTwoFactor,
  revokeSessions,
  turnOffTwoFactorInputSchema,
  twoFactorCodeInputSchema,
} from "@keyward/core";
import { z } from "zod";
import { auth, signOut } from "@/auth";
import { getDb } from "@/server/db";
import { passwordLogins, throttledMessage, twoFactorBox } from "@/server/login-throttle";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { type QrPath, qrPath } from "@/server/qr-code";
import { requestContext } from "@/server/request-context";

export type ChangePasswordResult = Refusal | { ok: true; signedOut: number };

/**
 * Changes the signed-in user's password. The current one is checked through the login's throttle
 * (a stolen session must not be a faster way to guess it); every other session ends.
 */
export const changePasswordAction = memberAction(
  { allowed: () => true, cannot: "change this password", input: changePasswordInputSchema },
  async ({ input, member, db }): Promise<ChangePasswordResult> => {
    const sessionId = (await auth())?.user?.sessionId;
    if (!sessionId) return refuse("Your session has ended. Sign in again.");
    const { ip } = await requestContext();
    const check = await (await passwordLogins()).attempt({
      email: member.email,
      password: input.currentPassword,
      ip,
      company: member.companyId,
    });
    if (!check.ok && check.reason === "throttled") return refuse(throttledMessage(check.retryAfterMs));
    const wrong = refuse("Check the highlighted fields.", { currentPassword: "This is not your current password" });
    if (!check.ok) return wrong;
    const changed = await changePassword(db, {
      userId: member.id,
      currentPassword: input.currentPassword,
      newPassword: input.newPassword,
      keepSessionId: sessionId,
    });
    return changed.ok ? { ok: true, signedOut: changed.revokedSessionIds.length } : wrong;
  },
);

/** Ends every session of the user, this browser's and the API tokens' included; this browser goes to /login. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = (await auth())?.user;
  if (user?.id) await revokeSessions(await getDb(), user.id);
  await signOut({ redirectTo: "/login" });
}

export type BeginTwoFactorResult = Refusal | { ok: true; secret: string; uri: string; qr: QrPath };
export type RecoveryCodesResult = Refusal | { ok: true; recoveryCodes: string[] };
export type TurnOffTwoFactorResult = Refusal | { ok: true };

// Every user manages their own second factor, whatever their role in the company.
const anyMember = { allowed: () => true, cannot: "change this account" };
const WRONG_CODE = refuse("Check the highlighted fields.", {
  code: "That code is not right, or it was used already. Enter the current one.",
});

/** A new seed for the signed-in user's authenticator app: its QR code and key, shown until confirmed. */
export const beginTwoFactorAction = memberAction(
  { ...anyMember, input: z.strictObject({}) },
  async ({ member, db }): Promise<BeginTwoFactorResult> => {
    const { secret, uri } = await beginTwoFactor(db, twoFactorBox(), member.id);
    return { ok: true, secret, uri, qr: qrPath(uri) };
  },
);

/** Turns two-factor sign-in on with a code from the app; the recovery codes are in this answer only. */
export const confirmTwoFactorAction = memberAction(
  { ...anyMember, input: twoFactorCodeInputSchema },
  async ({ input, member, db }): Promise<RecoveryCodesResult> => {
    const confirmed = await confirmTwoFactor(db, twoFactorBox(), { userId: member.id, code: input.code });
    return confirmed.ok ? confirmed : WRONG_CODE;
  },
);

/** Ten new recovery codes for a current authenticator code, through the login's throttle. */
export const regenerateRecoveryCodesAction = memberAction(
  { ...anyMember, input: twoFactorCodeInputSchema },
  async ({ input, member }): Promise<RecoveryCodesResult> => {
    const { ip } = await requestContext();
    const outcome = await (await passwordLogins()).regenerateRecoveryCodes({
      userId: member.id,
      email: member.email,
      code: input.code,
      ip,
    });
    if (!outcome.ok && outcome.reason === "throttled") return refuse(throttledMessage(outcome.retryAfterMs));
    if (!outcome.ok || outcome.recoveryCodes === undefined) return WRONG_CODE;
    return { ok: true, recoveryCodes: outcome.recoveryCodes };
  },
);

/** Turns two-factor sign-in off for the current password and a code (or recovery code), as a throttled login. */
export const turnOffTwoFactorAction = memberAction(
  { ...anyMember, input: turnOffTwoFactorInputSchema },
  async ({ input, member }): Promise<TurnOffTwoFactorResult> => {
    const { ip } = await requestContext();
    const outcome = await (await passwordLogins()).turnOffTwoFactor({
      email: member.email,
      password: input.currentPassword,
      code: input.code,
      ip,
      company: member.companyId,
    });
    if (outcome.ok) return { ok: true };
    if (outcome.reason === "throttled") return refuse(throttledMessage(outcome.retryAfterMs));
    if (outcome.reason === "bad_code" || outcome.reason === "code_required") return WRONG_CODE;
    return refuse("Check the highlighted fields.", { currentPassword: "This is not your current password" });
  },
);
