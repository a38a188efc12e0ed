"use client";

import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { buttonPrimary, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { requestPasswordResetAction } from "./actions";

export function ForgotPasswordForm() {
  const [email, setEmail] = useState("");
  const { result, pending, submit } = useAction(requestPasswordResetAction, { refresh: false });
  if (result?.ok) {
    return (
      <p role="status" className="text-sm text-slate-700" data-testid="reset-requested">
        If {email} has a Keyward account, we emailed it a link to choose a new password. The link works once, for 30
        minutes.
      </p>
    );
  }
  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <form onSubmit={submit({ email })} className="space-y-5" noValidate data-testid="forgot-password-form">
      {result && !result.ok && !errors.email ? <FormError error={result.error} testId="forgot-error" /> : null}
      <Field id="email" label="Email" error={errors.email}>
        {(control) => (
          <input
            {...control}
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Sending…" : "Email me a reset link"}
      </button>
    </form>
  );
}
