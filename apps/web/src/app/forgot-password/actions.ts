"use server";

import { createPasswordReset, PasswordResetThrottle, requestPasswordResetInputSchema } from "@keyward/core";
import { Redis } from "ioredis";
import { env } from "@/env";
import { getDb } from "@/server/db";
import { throttledMessage } from "@/server/login-throttle";
import { dashboardOrigin } from "@/server/origin";
import { requestContext } from "@/server/request-context";
import { canEmailResets, emailPasswordReset } from "@/server/reset-email";

export type ForgotPasswordResult = { ok: true } | { ok: false; error: string; fieldErrors: { email?: string } };

// Kept on globalThis because Next may evaluate this module once per bundle.
const holder = globalThis as typeof globalThis & { keywardResetThrottle?: PasswordResetThrottle };
function throttle(): PasswordResetThrottle {
  holder.keywardResetThrottle ??= new PasswordResetThrottle({
    redis: env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null,
    windowSeconds: env.LOGIN_THROTTLE_WINDOW_SECONDS,
  });
  return holder.keywardResetThrottle;
}

/**
 * Emails a reset link when the email has an account. The answer is the same either way, and the
 * email is sent after answering, so neither the words nor the time tell whether the account exists.
 */
export async function requestPasswordResetAction(raw: { email: string }): Promise<ForgotPasswordResult> {
  if (!canEmailResets()) return { ok: false, error: "This Keyward sends no email: ask its operator.", fieldErrors: {} };
  const input = requestPasswordResetInputSchema.safeParse({ email: raw?.email?.trim() });
  if (!input.success)
    return { ok: false, error: "Check the highlighted field.", fieldErrors: { email: "Enter an email address" } };
  const { ip } = await requestContext();
  const wait = await throttle().take(input.data.email, ip);
  if (wait > 0) return { ok: false, error: throttledMessage(wait), fieldErrors: {} };
  const origin = await dashboardOrigin();
  const db = await getDb();
  void createPasswordReset(db, input.data.email)
    .then((reset) => (reset ? emailPasswordReset(reset.email, `${origin}/reset-password/${reset.token}`) : undefined))
    .catch((error: Error) => console.error("[password reset] not created:", error.message));
  return { ok: true };
}
