"use client";

import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { buttonPrimary, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { resetPasswordAction } from "./actions";

export function ResetPasswordForm({ token }: { token: string }) {
  const [newPassword, setNewPassword] = useState("");
  const [confirmPassword, setConfirmPassword] = useState("");
  // Success redirects to /login; only a refusal comes back.
  const { result, pending, submit } = useAction(resetPasswordAction, { refresh: false });
  const errors = result?.fieldErrors ?? {};
  return (
    <form
      onSubmit={submit({ token, newPassword, confirmPassword })}
      className="space-y-5"
      noValidate
      data-testid="reset-password-form"
    >
      {result?.error ? <FormError error={result.error} testId="reset-error" /> : null}
      <Field id="new-password" label="New password" hint="At least 12 characters." error={errors.newPassword}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <Field id="confirm-password" label="New password, again" error={errors.confirmPassword}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            value={confirmPassword}
            onChange={(e) => setConfirmPassword(e.target.value)}
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Saving…" : "Set password and sign out everywhere"}
      </button>
    </form>
  );
}
