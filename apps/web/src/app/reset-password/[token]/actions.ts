"use server";

import { resetPassword, resetPasswordInputSchema } from "@keyward/core";
import { redirect } from "next/navigation";
import { getDb } from "@/server/db";
import { type FieldErrors, fieldErrors } from "@/server/form-errors";

export type ResetPasswordResult = { ok: false; error: string | null; fieldErrors: FieldErrors };

const UNUSABLE = "This link has expired or was used already. Ask for a new one.";

/** Sets the new password (every session of the user ends), then sends the browser to sign in with it. */
export async function resetPasswordAction(raw: {
  token: string;
  newPassword: string;
  confirmPassword: string;
}): Promise<ResetPasswordResult> {
  const input = resetPasswordInputSchema.safeParse({
    token: raw?.token,
    newPassword: raw?.newPassword,
    confirmPassword: raw?.confirmPassword,
  });
  if (!input.success) {
    const errors = fieldErrors(input.error);
    if (errors.token) return { ok: false, error: UNUSABLE, fieldErrors: {} };
    return { ok: false, error: null, fieldErrors: errors };
  }
  const outcome = await resetPassword(await getDb(), input.data);
  if (!outcome.ok) return { ok: false, error: UNUSABLE, fieldErrors: {} };
  redirect("/login?reset=1");
}
