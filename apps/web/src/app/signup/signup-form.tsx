"use client";

import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { buttonPrimary, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { type SignUpFields, signUpAction } from "./actions";

export function SignUpForm() {
  const [fields, setFields] = useState<SignUpFields>({ companyName: "", email: "", password: "" });
  // No refresh: a successful sign-up redirects to the dashboard.
  const { result, pending, submit } = useAction(signUpAction, { refresh: false });
  const errors = result && !result.ok ? result.fieldErrors : {};
  const set = (name: keyof SignUpFields) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));

  return (
    <form onSubmit={submit(fields)} className="space-y-5" noValidate data-testid="signup-form">
      {result && !result.ok && result.error ? <FormError error={result.error} testId="signup-error" /> : null}
      <Field id="companyName" label="Company name" error={errors.companyName} errorTestId="error-companyName">
        {(control) => (
          <input
            {...control}
            name="companyName"
            value={fields.companyName}
            onChange={set("companyName")}
            autoComplete="organization"
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <Field id="email" label="Your email" error={errors.email} errorTestId="error-email">
        {(control) => (
          <input
            {...control}
            name="email"
            type="email"
            value={fields.email}
            onChange={set("email")}
            autoComplete="username"
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <Field
        id="password"
        label="Password"
        hint="At least 12 characters."
        error={errors.password}
        errorTestId="error-password"
      >
        {(control) => (
          <input
            {...control}
            name="password"
            type="password"
            value={fields.password}
            onChange={set("password")}
            autoComplete="new-password"
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Creating…" : "Create company"}
      </button>
    </form>
  );
}
