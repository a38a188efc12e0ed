"use server";

import { AuthError } from "next-auth";
import { CompanySuspended, LoginThrottled, signIn } from "@/auth";
import { throttledMessage } from "@/server/login-throttle";
import { SUSPENDED_MESSAGE } from "@/server/session";

export interface LoginState {
  error: string | null;
  email: string;
}

/** Only same-site paths: `next` comes from the URL and must not send users to another origin. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/keys";
}

export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get("email") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  if (!email || !password) return { error: "Enter your email and password.", email };
  try {
    await signIn("credentials", { email, password, redirectTo: safeNext(formData.get("next")) });
  } catch (error) {
    // signIn redirects by throwing; only its own errors mean "refused".
    if (error instanceof LoginThrottled) return { error: throttledMessage(error.retryAfterMs), email };
    if (error instanceof CompanySuspended) return { error: SUSPENDED_MESSAGE, email };
    if (error instanceof AuthError) {
      return {
        error: error.type === "CredentialsSignin" ? "Incorrect email or password." : "Sign-in failed. Try again.",
        email,
      };
    }
    throw error;
  }
  return { error: null, email };
}
