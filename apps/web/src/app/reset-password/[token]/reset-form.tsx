"use client";

import { useState } from "react";
import { FormError } from "@/components/field";
import { NewPasswordFields } from "@/components/new-password-fields";
import { buttonPrimary } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { resetPasswordAction } from "./actions";

export function ResetPasswordForm({ token }: { token: string }) {
  const [passwords, setPasswords] = useState({ newPassword: "", confirmPassword: "" });
  // Success redirects to /login; only a refusal comes back.
  const { result, pending, submit } = useAction(resetPasswordAction, { refresh: false });
  const errors = result?.fieldErrors ?? {};
  return (
    <form onSubmit={submit({ token, ...passwords })} className="space-y-5" noValidate data-testid="reset-password-form">
      {result?.error ? <FormError error={result.error} testId="reset-error" /> : null}
      <NewPasswordFields
        values={passwords}
        errors={errors}
        onChange={(name, value) => setPasswords((p) => ({ ...p, [name]: value }))}
      />
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Saving…" : "Set password and sign out everywhere"}
      </button>
    </form>
  );
}
