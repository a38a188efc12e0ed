"use client";

import { useActionState, useId, useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { FormError, TextField } from "@/components/field";
import { SecretReveal } from "@/components/secret-reveal";
import { StarterKeysReveal } from "@/components/starter-keys-reveal";
import { buttonPrimary, buttonSecondary } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { type SwitchCompanyState, switchCompany } from "@/server/switch-company";
import {
  createCompanyAction,
  deleteCompanyAction,
  type CreateCompanyForm as FormValues,
  setCompanySuspendedAction,
} from "./actions";

const INITIAL: FormValues = { name: "", ownerEmail: "", ownerPassword: "", keyPrefix: "kw" };

export function CreateCompanyForm() {
  const id = useId();
  const [values, setValues] = useState<FormValues>(INITIAL);
  // No refresh: the answer carries the keys' secrets (and maybe a password), shown once by this component.
  const { result, pending, submit } = useAction(createCompanyAction, { refresh: false });

  if (result?.ok) {
    return (
      <div className="space-y-5" data-testid="company-created">
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-600/20 ring-inset">
          <strong>{result.company.name}</strong> is ready, owned by <strong>{result.ownerEmail}</strong>
          {result.ownerCreated ? " (a new account)" : " (an existing account, with its own password)"}. Copy its keys
          now: they are not shown again.
        </p>
        {result.generatedPassword ? (
          <SecretReveal
            label={`Password of ${result.ownerEmail}`}
            secret={result.generatedPassword}
            noun="password"
            testId="owner-password"
          />
        ) : null}
        <StarterKeysReveal adminKey={result.adminKey} readOnlyKey={result.readOnlyKey} />
        {/* A full page load: the secrets go with this page's memory. */}
        <a href="/companies" className={buttonPrimary} data-testid="company-created-done">
          Done
        </a>
      </div>
    );
  }

  const errors = result && !result.ok ? result.fieldErrors : {};
  const set = (name: keyof FormValues) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: e.target.value }));
  return (
    <form onSubmit={submit(values)} noValidate className="space-y-4" data-testid="create-company-form">
      {result && !result.ok && Object.keys(result.fieldErrors).length === 0 ? (
        <FormError error={result.error} testId="form-error" />
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id={`${id}-name`}
          label="Company name"
          error={errors.name}
          errorTestId="error-name"
          value={values.name}
          onChange={set("name")}
        />
        <TextField
          id={`${id}-owner`}
          label="Owner email"
          hint="An existing user becomes its owner with their own password."
          error={errors.ownerEmail}
          errorTestId="error-ownerEmail"
          type="email"
          value={values.ownerEmail}
          onChange={set("ownerEmail")}
        />
        <TextField
          id={`${id}-password`}
          label="Owner password (optional)"
          hint="For a new owner. Leave empty to generate one, shown once."
          error={errors.ownerPassword}
          errorTestId="error-ownerPassword"
          type="password"
          autoComplete="new-password"
          value={values.ownerPassword}
          onChange={set("ownerPassword")}
        />
        <TextField
          id={`${id}-prefix`}
          label="Key prefix"
          hint="2–10 characters, a–z and 0–9: kw_live_…"
          error={errors.keyPrefix}
          errorTestId="error-keyPrefix"
          value={values.keyPrefix}
          onChange={set("keyPrefix")}
          inputClassName="font-mono"
        />
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary} data-testid="create-company-submit">
        {pending ? "Creating…" : "Create company"}
      </button>
    </form>
  );
}

/** Opens the company in this session, with owner rights (or the operator's own role there). */
export function OpenCompanyButton({ companyId, name }: { companyId: string; name: string }) {
  const [state, action, pending] = useActionState<SwitchCompanyState, FormData>(switchCompany, { error: null });
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="companyId" value={companyId} />
      <button type="submit" disabled={pending} className={`${buttonSecondary} py-1.5`}>
        {pending ? "Opening…" : "Open"}
        <span className="sr-only"> {name}</span>
      </button>
      {state.error ? (
        <span role="alert" className="text-xs text-red-600">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}

export function SuspendCompanyButton({
  companyId,
  name,
  suspended,
  current,
}: {
  companyId: string;
  name: string;
  suspended: boolean;
  /** The company this session is in: it cannot be suspended from inside. */
  current: boolean;
}) {
  if (current && !suspended) return null;
  const verb = suspended ? "Resume" : "Suspend";
  return (
    <ConfirmButton
      change={() => setCompanySuspendedAction({ companyId, suspended: !suspended })}
      label={verb}
      srDetail={name}
      tone={suspended ? "primary" : "danger"}
      title={`${verb} ${name}?`}
      description={
        suspended
          ? "Its keys work again and its members can sign in."
          : "Its keys are refused at once (401, with the cause in its audit log) and its members cannot sign in, until you resume it. Nothing is deleted."
      }
      confirmLabel={`${verb} company`}
      pendingLabel={suspended ? "Resuming…" : "Suspending…"}
    />
  );
}

/**
 * Deletes a company once the operator has typed its name. Not offered for the company this session
 * is in (the action refuses it too): the operator switches to another one first.
 */
export function DeleteCompanyButton({ companyId, name }: { companyId: string; name: string }) {
  const id = useId();
  const [typed, setTyped] = useState("");
  return (
    <ConfirmButton
      change={() => deleteCompanyAction({ companyId, confirmName: typed })}
      label="Delete"
      srDetail={name}
      title={`Delete ${name}?`}
      description="Its keys, memberships, invites, audit log, usage and alerts are deleted, and its keys are refused at once on every replica. Its users keep their accounts and other companies. This cannot be undone."
      confirmLabel="Delete company"
      pendingLabel="Deleting…"
      ready={typed === name}
      onOpen={() => setTyped("")}
      testId="delete-company-dialog"
    >
      <TextField
        id={`${id}-confirm`}
        label={
          <>
            Type <strong className="font-semibold">{name}</strong> to confirm
          </>
        }
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    </ConfirmButton>
  );
}
