"use client";

import { useState } from "react";
import { CompanyOwnerFields } from "@/components/company-owner-fields";
import { FormError } from "@/components/field";
import { useAction } from "@/components/use-action";
import { type SignUpFields, signUpAction } from "./actions";

export function SignUpForm() {
  const [fields, setFields] = useState<SignUpFields>({ companyName: "", email: "", password: "" });
  // No refresh: a successful sign-up redirects to the dashboard.
  const { result, pending, submit } = useAction(signUpAction, { refresh: false });
  const errors = result && !result.ok ? result.fieldErrors : {};
  const set = (name: keyof SignUpFields, value: string) => setFields((f) => ({ ...f, [name]: value }));

  return (
    <form onSubmit={submit(fields)} className="space-y-5" noValidate data-testid="signup-form">
      {result && !result.ok && result.error ? <FormError error={result.error} testId="signup-error" /> : null}
      <CompanyOwnerFields
        companyField="companyName"
        values={fields}
        errors={errors}
        onChange={set}
        passwordHint="At least 12 characters."
        pending={pending}
      />
    </form>
  );
}
