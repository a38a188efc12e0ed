"use client";

import { useId, useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { describedBy, FieldError, FormError, TextField } from "@/components/field";
import { ScopeCheckboxes } from "@/components/scope-checkboxes";
import { SecretReveal } from "@/components/secret-reveal";
import { buttonPrimary } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { createOperatorKeyAction, type CreateOperatorKeyForm as FormValues, revokeOperatorKeyAction } from "./actions";

type Scope = FormValues["scopes"][number];

export function CreateOperatorKeyForm({ scopes }: { scopes: Scope[] }) {
  const id = useId();
  const [values, setValues] = useState<FormValues>({ name: "", scopes: ["keys:verify"] });
  // No refresh: the answer carries the key's secret, shown once by this component.
  const { result, pending, submit } = useAction(createOperatorKeyAction, { refresh: false });

  if (result?.ok) {
    return (
      <div className="space-y-5" data-testid="operator-key-created">
        <p className="text-sm text-slate-600">
          <strong className="text-slate-900">{result.key.name}</strong> ·{" "}
          <span className="font-mono text-xs">{result.key.scopes.join(" ")}</span>. Give it to your service as{" "}
          <code className="font-mono text-xs">KEYWARD_OPERATOR_KEY</code>.
        </p>
        <SecretReveal label="Operator key" secret={result.secret} testId="operator-secret" />
        {/* A full page load: the secret goes with this page's memory. */}
        <a href="/operator-keys" className={buttonPrimary} data-testid="operator-key-created-done">
          Done
        </a>
      </div>
    );
  }

  const errors = result && !result.ok ? result.fieldErrors : {};
  const toggle = (scope: Scope, on: boolean) =>
    setValues((v) => ({ ...v, scopes: on ? [...v.scopes, scope] : v.scopes.filter((s) => s !== scope) }));
  return (
    <form onSubmit={submit(values)} noValidate className="space-y-4" data-testid="create-operator-key-form">
      {result && !result.ok && Object.keys(result.fieldErrors).length === 0 ? (
        <FormError error={result.error} testId="form-error" />
      ) : null}
      <TextField
        id={`${id}-name`}
        label="Name"
        hint="What uses it, e.g. billing-backend."
        error={errors.name}
        errorTestId="error-name"
        className="max-w-md"
        value={values.name}
        maxLength={120}
        onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
      />
      <ScopeCheckboxes
        scopes={scopes}
        checked={values.scopes}
        onToggle={toggle}
        describedBy={describedBy(`${id}-scopes`, { error: errors.scopes })["aria-describedby"]}
      >
        <FieldError id={`${id}-scopes`} error={errors.scopes} testId="error-scopes" />
      </ScopeCheckboxes>
      <button type="submit" disabled={pending} className={buttonPrimary} data-testid="create-operator-key-submit">
        {pending ? "Creating…" : "Create operator key"}
      </button>
    </form>
  );
}

export function RevokeOperatorKeyButton({ keyId, name }: { keyId: string; name: string }) {
  return (
    <ConfirmButton
      change={() => revokeOperatorKeyAction({ keyId })}
      label="Revoke"
      srDetail={name}
      title={`Revoke ${name}?`}
      description="Services using it are refused at once (401), on every replica. A revoked key cannot be restored."
      confirmLabel="Revoke operator key"
      pendingLabel="Revoking…"
    />
  );
}
