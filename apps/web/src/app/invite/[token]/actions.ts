"use server";

import { KeywardError } from "@keyward/auth-core";
import { acceptInvite, acceptInviteInputSchema } from "@keyward/core";
import { signIn } from "@/auth";
import { getDb } from "@/server/db";
import { type FieldErrors, fieldErrors } from "@/server/form-errors";

export type AcceptInviteResult = { ok: false; error: string | null; fieldErrors: FieldErrors };

/** Creates the account (or adds the membership of an existing one) from the invite, then signs it in (signIn redirects by throwing). */
export async function acceptInviteAction(raw: { token: string; password: string }): Promise<AcceptInviteResult> {
  const input = acceptInviteInputSchema.safeParse({ token: raw?.token, password: raw?.password });
  if (!input.success) {
    const errors = fieldErrors(input.error);
    return errors.token
      ? { ok: false, error: "This invite link is not valid.", fieldErrors: {} }
      : { ok: false, error: null, fieldErrors: errors };
  }
  let joined: { email: string; companyId: string };
  try {
    joined = await acceptInvite(await getDb(), input.data);
  } catch (error) {
    if (error instanceof KeywardError) return { ok: false, error: error.message, fieldErrors: {} };
    throw error;
  }
  // Into the company just joined, which for a member of others is not their first.
  await signIn("credentials", {
    email: joined.email,
    password: input.data.password,
    company: joined.companyId,
    redirectTo: "/keys",
  });
  return { ok: false, error: null, fieldErrors: {} };
}
