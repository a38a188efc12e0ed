"use client";

import { type FormEvent, useState, useTransition } from "react";
import { buttonPrimary, fieldError, hint, input, label } from "@/components/styles";
import { type AcceptInviteResult, acceptInviteAction } from "./actions";

export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const [password, setPassword] = useState("");
  const [result, setResult] = useState<AcceptInviteResult | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      setResult(await acceptInviteAction({ token, password }));
    });
  }

  const errors = result?.fieldErrors ?? {};
  return (
    <form onSubmit={submit} className="space-y-5" noValidate data-testid="accept-invite-form">
      {result?.error ? (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="form-error">
          {result.error}
        </div>
      ) : null}
      <div>
        <label htmlFor="invite-email" className={label}>
          Email
        </label>
        <input
          id="invite-email"
          type="email"
          value={email}
          readOnly
          autoComplete="username"
          className={`${input} mt-1.5 bg-slate-50`}
        />
      </div>
      <div>
        <label htmlFor="invite-password" className={label}>
          Choose a password
        </label>
        <input
          id="invite-password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? "invite-password-error invite-password-hint" : "invite-password-hint"}
          className={`${input} mt-1.5`}
        />
        {errors.password ? (
          <p id="invite-password-error" className={fieldError} data-testid="error-password">
            {errors.password}
          </p>
        ) : null}
        <p id="invite-password-hint" className={hint}>
          At least 12 characters.
        </p>
      </div>
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Joining…" : "Join and sign in"}
      </button>
    </form>
  );
}
