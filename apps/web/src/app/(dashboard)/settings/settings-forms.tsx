"use client";

import { useId, useState } from "react";
import { ActionButton } from "@/components/action-button";
import { Field } from "@/components/field";
import { buttonPrimary, buttonSecondary, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import {
  addScopeResourceAction,
  changeKeyPrefixAction,
  removeScopeResourceAction,
  renameCompanyAction,
  type SettingsResult,
} from "./actions";

function Feedback({ result, testId }: { result: SettingsResult | null; testId: string }) {
  if (!result) return null;
  if (result.ok) {
    return (
      <p role="status" className="text-sm text-emerald-700" data-testid={`${testId}-saved`}>
        {result.message}
      </p>
    );
  }
  if (Object.values(result.fieldErrors).some(Boolean)) return null;
  return (
    <p role="alert" className="text-sm text-red-700" data-testid={`${testId}-error`}>
      {result.error}
    </p>
  );
}

/** One text setting with its own save button: company name or key prefix. */
export function SingleFieldForm({
  field,
  title,
  initial,
  description,
  mono = false,
}: {
  field: "name" | "keyPrefix";
  title: string;
  initial: string;
  description: string;
  mono?: boolean;
}) {
  const id = useId();
  const [value, setValue] = useState(initial);
  const { result, pending, submit } = useAction((text: string) =>
    field === "name" ? renameCompanyAction({ name: text }) : changeKeyPrefixAction({ keyPrefix: text }),
  );

  return (
    <form onSubmit={submit(value)} noValidate className="space-y-2" data-testid={`${field}-form`}>
      <Field
        id={`${id}-${field}`}
        label={title}
        hint={description}
        error={result && !result.ok ? result.fieldErrors[field] : undefined}
        errorTestId={`error-${field}`}
        className="space-y-2"
      >
        {(control) => (
          <div className="flex flex-wrap gap-2">
            <input
              {...control}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              className={`${input} max-w-sm ${mono ? "font-mono" : ""}`}
            />
            <button type="submit" disabled={pending} className={buttonSecondary}>
              {pending ? "Saving…" : "Save"}
            </button>
          </div>
        )}
      </Field>
      <Feedback result={result} testId={field} />
    </form>
  );
}

export function AddResourceForm() {
  const id = useId();
  const [values, setValues] = useState({ name: "", description: "" });
  const { result, pending, submit } = useAction(addScopeResourceAction, {
    onDone: () => setValues({ name: "", description: "" }),
  });

  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <form onSubmit={submit(values)} noValidate className="space-y-2" data-testid="add-resource-form">
      <div className="flex flex-wrap items-start gap-3">
        <Field id={`${id}-name`} label="Resource" error={errors.name} errorTestId="error-resource">
          {(control) => (
            <input
              {...control}
              value={values.name}
              onChange={(e) => setValues({ ...values, name: e.target.value })}
              placeholder="vehicles"
              className={`${input} mt-1.5 w-48 font-mono`}
            />
          )}
        </Field>
        <Field
          id={`${id}-description`}
          label="Description (optional)"
          error={errors.description}
          className="min-w-56 flex-1"
        >
          {(control) => (
            <input
              {...control}
              value={values.description}
              onChange={(e) => setValues({ ...values, description: e.target.value })}
              placeholder="Fleet service"
              maxLength={200}
              className={`${input} mt-1.5`}
            />
          )}
        </Field>
        <div className="pt-7">
          <button type="submit" disabled={pending} className={buttonPrimary} data-testid="add-resource-submit">
            {pending ? "Adding…" : "Add resource"}
          </button>
        </div>
      </div>
      <Feedback result={result} testId="resource" />
    </form>
  );
}

export function RemoveResourceButton({ id, name }: { id: string; name: string }) {
  return (
    <ActionButton
      change={() => removeScopeResourceAction({ id })}
      label="Remove"
      pendingLabel="Removing…"
      srDetail={name}
      className="rounded-md px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50"
    />
  );
}
