"use server";

import { KeywardError } from "@keyward/auth-core";
import { acceptInvite, acceptInviteInputSchema } from "@keyward/core";
import { signIn } from "@/auth";
import { getDb } from "@/server/db";
import { type FieldErrors, fieldErrors } from "@/server/form-errors";

export type AcceptInviteResult = { ok: false; error: string | null; fieldErrors: FieldErrors };

/** Creates the account from the invite, then signs it in (signIn redirects by throwing). */
export async function acceptInviteAction(raw: { token: string; password: string }): Promise<AcceptInviteResult> {
  const input = acceptInviteInputSchema.safeParse({ token: raw?.token, password: raw?.password });
  if (!input.success) {
    const errors = fieldErrors(input.error);
    return errors.token
      ? { ok: false, error: "This invite link is not valid.", fieldErrors: {} }
      : { ok: false, error: null, fieldErrors: errors };
  }
  let email: string;
  try {
    email = (await acceptInvite(await getDb(), input.data)).email;
  } catch (error) {
    if (error instanceof KeywardError) return { ok: false, error: error.message, fieldErrors: {} };
    throw error;
  }
  await signIn("credentials", { email, password: input.data.password, redirectTo: "/keys" });
  return { ok: false, error: null, fieldErrors: {} };
}
