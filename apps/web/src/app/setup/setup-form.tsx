"use client";

import Link from "next/link";
import { useState } from "react";
import { CompanyOwnerFields } from "@/components/company-owner-fields";
import { StarterKeysReveal } from "@/components/starter-keys-reveal";
import { buttonPrimary } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { setupCompany } from "./actions";
import { EnvFilePanel } from "./env-file-panel";

export function SetupForm() {
  const [fields, setFields] = useState({ company: "", email: "", password: "" });
  // No refresh: the answer carries the keys' secrets, shown once by this component.
  const { result, pending, submit } = useAction(setupCompany, { refresh: false });

  if (result?.ok) {
    return (
      <div className="space-y-6" data-testid="setup-done">
        <div className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-600/20 ring-inset">
          Your company is ready. Two API keys were created for you: copy them now, then sign in as{" "}
          <strong>{result.email}</strong>.
        </div>
        <StarterKeysReveal adminKey={result.adminKey} readOnlyKey={result.readOnlyKey} />
        <EnvFilePanel text={result.envText} outcome={result.envFile} />
        <Link href="/login" className={`${buttonPrimary} w-full`} data-testid="continue-to-login">
          I have saved the keys, continue to sign in
        </Link>
      </div>
    );
  }

  const errors = result && !result.ok ? result.fieldErrors : {};
  const set = (name: keyof typeof fields, value: string) => setFields((f) => ({ ...f, [name]: value }));

  return (
    <form onSubmit={submit(fields)} className="space-y-5" noValidate>
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
      <CompanyOwnerFields
        companyField="company"
        values={fields}
        errors={errors}
        onChange={set}
        passwordHint="At least 12 characters. You will be the company's owner."
        pending={pending}
      />
    </form>
  );
}
