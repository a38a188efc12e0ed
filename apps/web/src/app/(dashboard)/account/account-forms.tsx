"use client";

import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { NewPasswordFields } from "@/components/new-password-fields";
import { buttonPrimary, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { changePasswordAction } from "./actions";

const EMPTY = { currentPassword: "", newPassword: "", confirmPassword: "" };

export function ChangePasswordForm() {
  const [values, setValues] = useState(EMPTY);
  const { result, pending, submit } = useAction(changePasswordAction, { onDone: () => setValues(EMPTY) });
  const errors = result && !result.ok ? result.fieldErrors : {};
  const set = (name: keyof typeof EMPTY) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: e.target.value }));

  return (
    <form onSubmit={submit(values)} className="max-w-md space-y-4" noValidate data-testid="change-password-form">
      {result && !result.ok && !Object.values(result.fieldErrors).some(Boolean) ? (
        <FormError error={result.error} testId="change-password-error" />
      ) : null}
      {result?.ok ? (
        <p role="status" className="text-sm text-emerald-700" data-testid="password-changed">
          Password changed.{" "}
          {result.signedOut === 0
            ? "No other session was signed in."
            : `${result.signedOut} other ${result.signedOut === 1 ? "session was" : "sessions were"} signed out.`}
        </p>
      ) : null}
      <Field id="current-password" label="Current password" error={errors.currentPassword}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="current-password"
            value={values.currentPassword}
            onChange={set("currentPassword")}
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <NewPasswordFields
        values={values}
        errors={errors}
        onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
      />
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
