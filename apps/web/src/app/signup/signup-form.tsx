"use client";

import { useState } from "react";
import { FormError, TextField } from "@/components/field";
import { buttonPrimary } from "@/components/styles";
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
      <TextField
        id="companyName"
        label="Company name"
        error={errors.companyName}
        errorTestId="error-companyName"
        name="companyName"
        value={fields.companyName}
        onChange={set("companyName")}
        autoComplete="organization"
      />
      <TextField
        id="email"
        label="Your email"
        error={errors.email}
        errorTestId="error-email"
        name="email"
        type="email"
        value={fields.email}
        onChange={set("email")}
        autoComplete="username"
      />
      <TextField
        id="password"
        label="Password"
        hint="At least 12 characters."
        error={errors.password}
        errorTestId="error-password"
        name="password"
        type="password"
        value={fields.password}
        onChange={set("password")}
        autoComplete="new-password"
      />
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Creating…" : "Create company"}
      </button>
    </form>
  );
}
