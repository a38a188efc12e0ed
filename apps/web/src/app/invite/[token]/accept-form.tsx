"use client";

import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { buttonPrimary, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { acceptInviteAction } from "./actions";

export function AcceptInviteForm({
  token,
  email,
  existingAccount,
}: {
  token: string;
  email: string;
  /** The email has an account (another company's member): they join with its password. */
  existingAccount: boolean;
}) {
  const [password, setPassword] = useState("");
  // Accepting signs the newcomer in and redirects; only a refusal comes back.
  const { result, pending, submit } = useAction(acceptInviteAction, { refresh: false });

  const errors = result?.fieldErrors ?? {};
  return (
    <form onSubmit={submit({ token, password })} className="space-y-5" noValidate data-testid="accept-invite-form">
      {result?.error ? <FormError error={result.error} testId="form-error" /> : null}
      <Field id="invite-email" label="Email">
        {(control) => (
          <input
            {...control}
            type="email"
            value={email}
            readOnly
            autoComplete="username"
            className={`${input} mt-1.5 bg-slate-50`}
          />
        )}
      </Field>
      <Field
        id="invite-password"
        label={existingAccount ? "Your password" : "Choose a password"}
        hint={existingAccount ? "The password you sign in to Keyward with." : "At least 12 characters."}
        error={errors.password}
        errorTestId="error-password"
      >
        {(control) => (
          <input
            {...control}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={existingAccount ? "current-password" : "new-password"}
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Joining…" : "Join and sign in"}
      </button>
    </form>
  );
}
