"use server";

import { changePassword, changePasswordInputSchema, revokeSessions } from "@keyward/core";
import { auth, signOut } from "@/auth";
import { getDb } from "@/server/db";
import { passwordLogins, throttledMessage } from "@/server/login-throttle";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
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
