"use client";

import { useActionState, useState } from "react";
import { Field } from "@/components/field";
import { buttonPrimary, input } from "@/components/styles";
import { type LoginState, login } from "./actions";

const START: LoginState = { error: null, email: "", step: "password" };

/**
 * Email and password, then (for an account with two-factor sign-in on) a code. The email and
 * password are kept in this component's state as they are submitted and sent again with the code:
 * nothing is kept on the server between the two steps.
 */
export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, START);
  const [credentials, setCredentials] = useState({ email: "", password: "" });
  // "Start over" from the code step: the answer it left is not shown again.
  const [leftState, setLeftState] = useState<LoginState | null>(null);
  const askCode = state.step === "code" && leftState !== state;
  const error = leftState === state ? null : state.error;

  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (askCode) return;
        const data = new FormData(e.currentTarget);
        setCredentials({ email: String(data.get("email") ?? ""), password: String(data.get("password") ?? "") });
      }}
      className="space-y-5"
      noValidate
    >
      <input type="hidden" name="next" value={next} />
      {error ? (
        <div
          role="alert"
          data-testid="login-error"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-600/20 ring-inset"
        >
          {error}
        </div>
      ) : null}
      {askCode ? (
        <>
          <input type="hidden" name="email" value={credentials.email} />
          <input type="hidden" name="password" value={credentials.password} />
          <p className="text-sm text-slate-600" data-testid="code-step">
            Two-factor sign-in is on for <span className="font-medium text-slate-900">{credentials.email}</span>.
          </p>
          <Field
            id="code"
            label="Authentication code"
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
          >
            {(control) => (
              <input
                {...control}
                name="code"
                type="text"
                autoComplete="one-time-code"
                autoCapitalize="none"
                spellCheck={false}
                maxLength={32}
                required
                // biome-ignore lint/a11y/noAutofocus: the only field of this step, shown after the user's own submit
                autoFocus
                className={`${input} mt-1.5 font-mono tracking-wider`}
              />
            )}
          </Field>
          <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
            {pending ? "Checking…" : "Verify and sign in"}
          </button>
          <button
            type="button"
            onClick={() => {
              setLeftState(state);
              setCredentials({ email: credentials.email, password: "" });
            }}
            className="w-full text-center text-sm font-medium text-indigo-700 underline-offset-2 hover:underline"
          >
            Start over
          </button>
        </>
      ) : (
        <>
          <Field id="email" label="Email">
            {(control) => (
              <input
                {...control}
                name="email"
                type="email"
                autoComplete="username"
                required
                defaultValue={state.email}
                key={state.email}
                className={`${input} mt-1.5`}
              />
            )}
          </Field>
          <Field id="password" label="Password">
            {(control) => (
              <input
                {...control}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                className={`${input} mt-1.5`}
              />
            )}
          </Field>
          <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </>
      )}
    </form>
  );
}
