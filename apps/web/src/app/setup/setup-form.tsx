"use client";

import Link from "next/link";
import { type FormEvent, useState, useTransition } from "react";
import { SecretReveal } from "@/components/secret-reveal";
import { buttonPrimary, fieldError, hint, input, label } from "@/components/styles";
import { type SetupResult, setupCompany } from "./actions";

export function SetupForm() {
  const [fields, setFields] = useState({ company: "", email: "", password: "" });
  const [result, setResult] = useState<SetupResult | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      setResult(await setupCompany(fields));
    });
  }

  if (result?.ok) {
    return (
      <div className="space-y-6" data-testid="setup-done">
        <div className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-600/20 ring-inset">
          Your company is ready. Two API keys were created for you: copy them now, then sign in as{" "}
          <strong>{result.email}</strong>.
        </div>
        <SecretReveal
          label={`Admin key · ${result.adminKey.key.environment} · scope *`}
          secret={result.adminKey.secret}
          testId="admin-secret"
        />
        <SecretReveal
          label={`Read-only key · ${result.readOnlyKey.key.environment} · scope *:read`}
          secret={result.readOnlyKey.secret}
          testId="readonly-secret"
        />
        <Link href="/login" className={`${buttonPrimary} w-full`} data-testid="continue-to-login">
          I have copied the keys, continue to sign in
        </Link>
      </div>
    );
  }

  const errors = result && !result.ok ? result.fieldErrors : {};
  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      {result && !result.ok && result.error ? (
        <div
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-600/20 ring-inset"
        >
          {result.error}{" "}
          <Link href="/login" className="font-semibold underline">
            Sign in
          </Link>
        </div>
      ) : null}
      <div>
        <label htmlFor="company" className={label}>
          Company name
        </label>
        <input
          id="company"
          name="company"
          value={fields.company}
          onChange={set("company")}
          autoComplete="organization"
          aria-invalid={errors.company ? true : undefined}
          aria-describedby={errors.company ? "company-error" : undefined}
          className={`${input} mt-1.5`}
        />
        {errors.company ? (
          <p id="company-error" className={fieldError}>
            {errors.company}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="email" className={label}>
          Your email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          value={fields.email}
          onChange={set("email")}
          autoComplete="username"
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={errors.email ? "email-error" : undefined}
          className={`${input} mt-1.5`}
        />
        {errors.email ? (
          <p id="email-error" className={fieldError}>
            {errors.email}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="password" className={label}>
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          value={fields.password}
          onChange={set("password")}
          autoComplete="new-password"
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? "password-error password-hint" : "password-hint"}
          className={`${input} mt-1.5`}
        />
        {errors.password ? (
          <p id="password-error" className={fieldError}>
            {errors.password}
          </p>
        ) : null}
        <p id="password-hint" className={hint}>
          At least 12 characters. You will be the company's owner.
        </p>
      </div>
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Creating…" : "Create company"}
      </button>
    </form>
  );
}
