"use client";

import { useId, useState } from "react";
import { Field, FormError } from "@/components/field";
import { buttonPrimary, buttonSecondary, input, label } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { ExpiryFields, IpAllowlistField, RateLimitFields } from "../key-fields";
import type { EditKeyValues, KeySettingsValues } from "../key-form";
import { editKeyAction, type EditKeyForm as Payload } from "./actions";

/** Which error each value can cause (the server names errors after the key's fields). */
const ERROR_FIELD: Record<keyof EditKeyValues, string> = {
  name: "name",
  scopes: "scopes",
  expiry: "expiresAt",
  expiryDate: "expiresAt",
  ipAllowlist: "ipAllowlist",
  rateLimit: "rateLimit",
  rateLimitWindowSeconds: "rateLimit",
  metadata: "metadata",
};

/** The fields this form has a control for; an error on any other is shown with the form's message. */
const FIELDS_WITH_ERRORS = new Set(Object.values(ERROR_FIELD));

/** Only what differs from the key as it is: the action rewrites nothing the member left alone. */
function changesOf(keyId: string, initial: EditKeyValues, values: EditKeyValues): Payload {
  const payload: Payload = { keyId };
  for (const name of ["name", "scopes", "ipAllowlist", "metadata"] as const) {
    if (values[name] !== initial[name]) payload[name] = values[name];
  }
  if (values.expiry !== initial.expiry || values.expiryDate !== initial.expiryDate) {
    payload.expiry = values.expiry;
    payload.expiryDate = values.expiryDate;
  }
  if (values.rateLimit !== initial.rateLimit || values.rateLimitWindowSeconds !== initial.rateLimitWindowSeconds) {
    payload.rateLimit = values.rateLimit;
    payload.rateLimitWindowSeconds = values.rateLimitWindowSeconds;
  }
  return payload;
}

/** Name, scopes, expiry, IP allowlist, rate limit and metadata of one key, prefilled with what it has. */
export function EditKeyForm({
  keyId,
  initial,
  onCancel,
}: {
  keyId: string;
  initial: EditKeyValues;
  onCancel: () => void;
}) {
  const ids = useId();
  const [values, setValues] = useState<EditKeyValues>(initial);
  const { result, setResult, pending, submit } = useAction(editKeyAction, { onDone: onCancel });

  const refusal = result && !result.ok ? result : null;
  const errors = refusal?.fieldErrors ?? {};
  const otherErrors = Object.entries(errors).filter(([field, message]) => message && !FIELDS_WITH_ERRORS.has(field));
  const set = (name: keyof EditKeyValues, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    // Editing a field clears its error; the rest stay until the next submit.
    const field = ERROR_FIELD[name];
    if (refusal?.fieldErrors[field])
      setResult({ ...refusal, fieldErrors: { ...refusal.fieldErrors, [field]: undefined } });
  };
  const settings = { ids, values, errors, set: set as (name: keyof KeySettingsValues, value: string) => void };

  return (
    <form onSubmit={submit(changesOf(keyId, initial, values))} noValidate className="space-y-5" data-testid="edit-form">
      {refusal ? (
        <div className="space-y-1">
          <FormError error={refusal.error} testId="form-error" />
          {otherErrors.map(([field, message]) => (
            <p key={field} className="text-sm text-red-700">
              {field}: {message}
            </p>
          ))}
        </div>
      ) : null}
      <Field id={`${ids}-name`} label="Name" error={errors.name} errorTestId="error-name">
        {(control) => (
          <input
            {...control}
            value={values.name}
            onChange={(e) => set("name", e.target.value)}
            maxLength={120}
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <Field
        id={`${ids}-scopes`}
        label="Scopes"
        hint="resource:action, separated by commas or spaces, e.g. vehicles:read invoices:*"
        error={errors.scopes}
        errorTestId="error-scopes"
      >
        {(control) => (
          <input
            {...control}
            value={values.scopes}
            onChange={(e) => set("scopes", e.target.value)}
            className={`${input} mt-1.5 font-mono`}
          />
        )}
      </Field>
      <fieldset>
        <legend className={label}>Expiry</legend>
        <div className="mt-1.5">
          <ExpiryFields {...settings} />
        </div>
      </fieldset>
      <IpAllowlistField {...settings} />
      <RateLimitFields {...settings} />
      <Field
        id={`${ids}-metadata`}
        label="Metadata"
        hint="A JSON object of labels for this key (at most 8 KB, 10 levels deep); empty for none."
        error={errors.metadata}
        errorTestId="error-metadata"
      >
        {(control) => (
          <textarea
            {...control}
            rows={4}
            value={values.metadata}
            onChange={(e) => set("metadata", e.target.value)}
            placeholder='{"team": "billing"}'
            spellCheck={false}
            className={`${input} mt-1.5 font-mono`}
          />
        )}
      </Field>
      <div className="flex justify-end gap-3">
        <button type="button" className={buttonSecondary} onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className={buttonPrimary} disabled={pending} data-testid="edit-submit">
          {pending ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}
