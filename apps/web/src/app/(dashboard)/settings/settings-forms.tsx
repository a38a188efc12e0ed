"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState, useTransition } from "react";
import { buttonPrimary, buttonSecondary, fieldError, hint, input, label } from "@/components/styles";
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
  const router = useRouter();
  const [value, setValue] = useState(initial);
  const [result, setResult] = useState<SettingsResult | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const answer =
        field === "name"
          ? await renameCompanyAction({ name: value })
          : await changeKeyPrefixAction({ keyPrefix: value });
      setResult(answer);
      if (answer.ok) router.refresh();
    });
  }

  const error = result && !result.ok ? result.fieldErrors[field] : undefined;
  return (
    <form onSubmit={submit} noValidate className="space-y-2" data-testid={`${field}-form`}>
      <label htmlFor={`${id}-${field}`} className={label}>
        {title}
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id={`${id}-${field}`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${error ? `${id}-${field}-error ` : ""}${id}-${field}-hint`}
          className={`${input} max-w-sm ${mono ? "font-mono" : ""}`}
        />
        <button type="submit" disabled={pending} className={buttonSecondary}>
          {pending ? "Saving…" : "Save"}
        </button>
      </div>
      {error ? (
        <p id={`${id}-${field}-error`} className={fieldError} data-testid={`error-${field}`}>
          {error}
        </p>
      ) : null}
      <p id={`${id}-${field}-hint`} className={hint}>
        {description}
      </p>
      <Feedback result={result} testId={field} />
    </form>
  );
}

export function AddResourceForm() {
  const id = useId();
  const router = useRouter();
  const [values, setValues] = useState({ name: "", description: "" });
  const [result, setResult] = useState<SettingsResult | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const answer = await addScopeResourceAction(values);
      setResult(answer);
      if (answer.ok) {
        setValues({ name: "", description: "" });
        router.refresh();
      }
    });
  }

  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <form onSubmit={submit} noValidate className="space-y-2" data-testid="add-resource-form">
      <div className="flex flex-wrap items-start gap-3">
        <div>
          <label htmlFor={`${id}-name`} className={label}>
            Resource
          </label>
          <input
            id={`${id}-name`}
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.target.value })}
            placeholder="vehicles"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? `${id}-name-error` : undefined}
            className={`${input} mt-1.5 w-48 font-mono`}
          />
          {errors.name ? (
            <p id={`${id}-name-error`} className={fieldError} data-testid="error-resource">
              {errors.name}
            </p>
          ) : null}
        </div>
        <div className="min-w-56 flex-1">
          <label htmlFor={`${id}-description`} className={label}>
            Description (optional)
          </label>
          <input
            id={`${id}-description`}
            value={values.description}
            onChange={(e) => setValues({ ...values, description: e.target.value })}
            placeholder="Fleet service"
            maxLength={200}
            aria-invalid={errors.description ? true : undefined}
            className={`${input} mt-1.5`}
          />
          {errors.description ? <p className={fieldError}>{errors.description}</p> : null}
        </div>
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
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const answer = await removeScopeResourceAction({ id });
            if (answer.ok) router.refresh();
            else setError(answer.error);
          })
        }
        className="rounded-md px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50"
      >
        {pending ? "Removing…" : "Remove"}
        <span className="sr-only"> {name}</span>
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      ) : null}
    </span>
  );
}
