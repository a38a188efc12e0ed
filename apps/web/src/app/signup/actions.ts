"use server";

import { signUpInputSchema } from "@keyward/core";
import { signIn } from "@/auth";
import { env } from "@/env";
import { type FieldErrors, fieldErrors } from "@/server/form-errors";
import { passwordLogins, throttledMessage } from "@/server/login-throttle";
import { requestContext } from "@/server/request-context";

export interface SignUpFields {
  companyName: string;
  email: string;
  password: string;
}

export type SignUpResult = { ok: false; error: string | null; fieldErrors: FieldErrors };

/**
 * The refusal of an email that has an account, with another password. Sign-up without email
 * verification cannot hide that an email is taken (a new one succeeds), so this says what to do;
 * what it never does is give that account a company without its password.
 */
const SIGN_UP_REFUSED =
  "This email and password cannot be used to sign up. If the email has an account, use its password: the new company is added to it.";

/** Creates the company and its owner (counted like a login attempt), then signs them in to it. */
export async function signUpAction(fields: SignUpFields): Promise<SignUpResult> {
  // The page is a 404 when closed; the action is a public endpoint all the same.
  if (env.KEYWARD_SIGNUP !== "open") return { ok: false, error: "Sign-up is closed.", fieldErrors: {} };
  const parsed = signUpInputSchema.safeParse({
    companyName: fields?.companyName,
    email: fields?.email,
    password: fields?.password,
  });
  if (!parsed.success) return { ok: false, error: null, fieldErrors: fieldErrors(parsed.error) };
  const { ip } = await requestContext();
  const outcome = await (await passwordLogins()).signUp({ ...parsed.data, ip });
  if (!outcome.ok && outcome.reason === "throttled") {
    return { ok: false, error: throttledMessage(outcome.retryAfterMs), fieldErrors: {} };
  }
  if (!outcome.ok) return { ok: false, error: SIGN_UP_REFUSED, fieldErrors: {} };
  const { email, password } = parsed.data;
  // Into the new company, not the user's first (an existing account may have others). Redirects by throwing.
  await signIn("credentials", { email, password, company: outcome.user.companyId, redirectTo: "/keys" });
  return { ok: false, error: null, fieldErrors: {} };
}
