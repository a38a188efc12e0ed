"use client";

import { useActionState } from "react";
import { Field } from "@/components/field";
import { buttonPrimary, input } from "@/components/styles";
import { type LoginState, login } from "./actions";

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, { error: null, email: "" });
  return (
    <form action={action} className="space-y-5" noValidate>
      <input type="hidden" name="next" value={next} />
      {state.error ? (
        <div
          role="alert"
          data-testid="login-error"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-600/20 ring-inset"
        >
          {state.error}
        </div>
      ) : null}
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
    </form>
  );
}
