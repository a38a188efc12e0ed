"use server";

import { AuthError } from "next-auth";
import { BadCode, CodeRequired, CompanySuspended, LoginThrottled, signIn } from "@/auth";
import { throttledMessage } from "@/server/login-throttle";
import { SUSPENDED_MESSAGE } from "@/server/session";

export interface LoginState {
  error: string | null;
  email: string;
  /** "code": the password was right and the account has two-factor sign-in on; the form asks for a code. */
  step: "password" | "code";
}

/** Only same-site paths: `next` comes from the URL and must not send users to another origin. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/keys";
}

export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get("email") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  const code = formData.has("code") ? String(formData.get("code") ?? "").trim() : null;
  if (!email || !password) return { error: "Enter your email and password.", email, step: "password" };
  if (code === "") return { error: "Enter the code.", email, step: "code" };
  try {
    await signIn("credentials", {
      email,
      password,
      ...(code === null ? {} : { code }),
      redirectTo: safeNext(formData.get("next")),
    });
  } catch (error) {
    // signIn redirects by throwing; only its own errors mean "refused".
    if (error instanceof LoginThrottled)
      return { error: throttledMessage(error.retryAfterMs), email, step: "password" };
    if (error instanceof CompanySuspended) return { error: SUSPENDED_MESSAGE, email, step: "password" };
    if (error instanceof CodeRequired) return { error: null, email, step: "code" };
    if (error instanceof BadCode) {
      return {
        error: "Incorrect code. Codes work once; wait for the next one or use a recovery code.",
        email,
        step: "code",
      };
    }
    if (error instanceof AuthError) {
      return {
        error: error.type === "CredentialsSignin" ? "Incorrect email or password." : "Sign-in failed. Try again.",
        email,
        step: "password",
      };
    }
    throw error;
  }
  return { error: null, email, step: "password" };
}
