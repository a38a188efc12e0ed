"use client";

import Link from "next/link";
import { type FormEvent, type ReactNode, useEffect, useId, useState } from "react";
import { CurlSnippet } from "@/components/curl-snippet";
import { describedBy, Field, FieldError } from "@/components/field";
import { ENVIRONMENT_LABEL, ENVIRONMENT_OPTIONS } from "@/components/labels";
import { ScopeCheckboxes } from "@/components/scope-checkboxes";
import { SecretReveal } from "@/components/secret-reveal";
import { EnvironmentBadge } from "@/components/status-badge";
import { buttonPrimary, buttonSecondary, card, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { ExpiryFields, IpAllowlistField, RateLimitFields } from "../key-fields";
import type { KeySettingsValues } from "../key-form";
import { createKeyAction, type CreateKeyForm as FormValues } from "./actions";

type Preset = FormValues["preset"];

const PRESETS: { value: Preset; title: string; description: string; scopes: string }[] = [
  { value: "admin", title: "Admin", description: "Full access to every resource.", scopes: "*" },
  {
    value: "read-only",
    title: "Read-only",
    description: "Read everything, change nothing. Right for CI.",
    scopes: "*:read",
  },
  {
    value: "custom",
    title: "Custom",
    description: "Pick exactly the scopes this key needs.",
    scopes: "resource:action",
  },
];

/** Which error each form value can cause (the server names errors after the key's fields). */
const ERROR_FIELD: Record<keyof FormValues, string> = {
  name: "name",
  preset: "scopes",
  customScopes: "scopes",
  environment: "environment",
  expiry: "expiresAt",
  expiryDate: "expiresAt",
  ipAllowlist: "ipAllowlist",
  rateLimit: "rateLimit",
  rateLimitWindowSeconds: "rateLimit",
};

const FIELDS_WITH_ERRORS = new Set(["name", "scopes", "environment", "expiresAt", "ipAllowlist", "rateLimit"]);

const INITIAL: FormValues = {
  name: "",
  preset: "read-only",
  customScopes: [],
  environment: "test",
  expiry: "never",
  expiryDate: "",
  ipAllowlist: "",
  rateLimit: "",
  rateLimitWindowSeconds: "60",
};

export function CreateKeyForm({
  builtInScopes,
  apiUrl,
  defaultEnvironment = INITIAL.environment,
}: {
  builtInScopes: string[];
  /** The API's address, for the "Try it" snippet. */
  apiUrl: string;
  /** The mode the keys list was in (its Live/Test switch). */
  defaultEnvironment?: FormValues["environment"];
}) {
  const [values, setValues] = useState<FormValues>({ ...INITIAL, environment: defaultEnvironment });
  const [extraScopes, setExtraScopes] = useState("");
  // No refresh: the new key's secret is shown by this component, from the action's answer.
  const { result, setResult, pending, run } = useAction(createKeyAction, { refresh: false });
  const ids = useId();

  const created = result?.ok ? result : null;

  useEffect(() => {
    // Reloading now shows the key's row in the list, without its secret (which only this component holds).
    if (created) window.history.replaceState(null, "", `/keys?created=${encodeURIComponent(created.key.id)}`);
  }, [created]);

  if (created) {
    return (
      <div className={`${card} space-y-6 p-6`} data-testid="key-created">
        <div>
          <h2 className="text-lg font-semibold text-slate-900">Key created</h2>
          <p className="mt-1 text-sm text-slate-500">
            <span className="font-medium text-slate-700">{created.key.name}</span> ·{" "}
            <EnvironmentBadge environment={created.key.environment} /> ·{" "}
            <span className="font-mono text-xs">{created.key.scopes.join(" ")}</span>
          </p>
        </div>
        <SecretReveal label="Secret key" secret={created.secret} />
        <div>
          <p className="mb-2 text-sm font-medium text-slate-800">Try it</p>
          <CurlSnippet apiUrl={apiUrl} secret={created.secret} />
        </div>
        <div className="flex gap-3">
          {/* A full page load: the secret goes with this page's memory. */}
          <a
            href={`/keys?created=${encodeURIComponent(created.key.id)}`}
            className={buttonPrimary}
            data-testid="reveal-done"
          >
            Done
          </a>
        </div>
      </div>
    );
  }

  const errors = result && !result.ok ? result.fieldErrors : {};
  // Errors on fields this form has no input for still need to be seen.
  const otherErrors = Object.entries(errors).filter(([field, message]) => message && !FIELDS_WITH_ERRORS.has(field));
  const set = <K extends keyof FormValues>(name: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [name]: value }));
    // Editing a field clears its error; the rest stay until the next submit.
    const field = ERROR_FIELD[name];
    if (result && !result.ok && result.fieldErrors[field]) {
      setResult({ ...result, fieldErrors: { ...result.fieldErrors, [field]: undefined } });
    }
  };
  const toggleScope = (scope: string, on: boolean) =>
    set("customScopes", on ? [...values.customScopes, scope] : values.customScopes.filter((s) => s !== scope));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const extra = extraScopes.split(/[\s,]+/).filter(Boolean);
    const payload: FormValues = {
      ...values,
      customScopes: values.preset === "custom" ? [...values.customScopes, ...extra] : [],
    };
    run(payload);
  }

  const settings = { ids, values, errors, set: set as (name: keyof KeySettingsValues, value: string) => void };

  // Errors are named after the key's fields; one that no single control owns is shown for its group.
  const groupError = (field: string) => (
    <FieldError id={`${ids}-${field}`} error={errors[field]} testId={`error-${field}`} />
  );

  return (
    <form onSubmit={submit} noValidate className={`${card} divide-y divide-slate-100`} data-testid="create-key-form">
      {result && !result.ok && result.error ? (
        <div role="alert" data-testid="form-error" className="bg-red-50 px-6 py-3 text-sm font-medium text-red-700">
          {result.error}
          {otherErrors.map(([field, message]) => (
            <p key={field} className="mt-1 font-normal">
              {field}: {message}
            </p>
          ))}
        </div>
      ) : null}

      <Section title="Name" description="Who or what uses this key, e.g. “billing-service” or “GitHub Actions”.">
        <Field id={`${ids}-name`} label="Name" hideLabel error={errors.name} errorTestId="error-name">
          {(control) => (
            <input
              {...control}
              name="name"
              value={values.name}
              onChange={(e) => set("name", e.target.value)}
              placeholder="ci-readonly"
              maxLength={120}
              className={input}
            />
          )}
        </Field>
      </Section>

      <Section title="Permissions" description="Scopes are resource:action. Write does not include read.">
        <fieldset aria-describedby={describedBy(`${ids}-scopes`, { error: errors.scopes })["aria-describedby"]}>
          <legend className="sr-only">Scope preset</legend>
          <div className="grid gap-3 sm:grid-cols-3">
            {PRESETS.map((p) => (
              <label
                key={p.value}
                className={`relative flex cursor-pointer flex-col rounded-lg p-3.5 ring-1 transition ring-inset ${
                  values.preset === p.value
                    ? "bg-indigo-50/50 ring-2 ring-indigo-600"
                    : "ring-slate-300 hover:ring-slate-400"
                }`}
              >
                <input
                  type="radio"
                  name="preset"
                  value={p.value}
                  checked={values.preset === p.value}
                  onChange={() => set("preset", p.value)}
                  className="sr-only"
                  data-testid={`preset-${p.value}`}
                />
                <span className="text-sm font-semibold text-slate-900">{p.title}</span>
                <span className="mt-0.5 text-xs text-slate-500">{p.description}</span>
                <code className="mt-2 font-mono text-xs text-indigo-700">{p.scopes}</code>
              </label>
            ))}
          </div>
        </fieldset>
        {values.preset === "custom" ? (
          <div className="mt-5 space-y-4">
            <ScopeCheckboxes scopes={builtInScopes} checked={values.customScopes} onToggle={toggleScope} />
            {/* The custom scopes' error is this field's: under it, with the id the presets point to. */}
            <Field
              id={`${ids}-scopes`}
              label="Other scopes"
              hint="Your own resources, separated by commas or spaces."
              error={errors.scopes}
              errorTestId="error-scopes"
            >
              {(control) => (
                <input
                  {...control}
                  value={extraScopes}
                  onChange={(e) => {
                    setExtraScopes(e.target.value);
                    set("customScopes", values.customScopes);
                  }}
                  placeholder="vehicles:read, invoices:*"
                  className={`${input} mt-1.5 font-mono`}
                />
              )}
            </Field>
          </div>
        ) : (
          groupError("scopes")
        )}
      </Section>

      <Section title="Environment" description="Test keys contain _test_ so they are easy to tell apart.">
        <fieldset>
          <legend className="sr-only">Environment</legend>
          <div className="inline-flex rounded-lg bg-slate-100 p-1">
            {ENVIRONMENT_OPTIONS.map((env) => (
              <label
                key={env}
                className={`cursor-pointer rounded-md px-4 py-1.5 text-sm font-medium transition ${
                  values.environment === env
                    ? "bg-white text-slate-900 shadow-sm"
                    : "text-slate-600 hover:text-slate-900"
                }`}
              >
                <input
                  type="radio"
                  name="environment"
                  value={env}
                  checked={values.environment === env}
                  onChange={() => set("environment", env)}
                  className="sr-only"
                  data-testid={`environment-${env}`}
                />
                {ENVIRONMENT_LABEL[env]}
              </label>
            ))}
          </div>
        </fieldset>
        {groupError("environment")}
      </Section>

      <Section title="Expiry" description="After this date the key stops working.">
        <ExpiryFields {...settings} />
      </Section>

      <Section title="Restrictions" description="Optional. Leave empty for no restriction.">
        <div className="space-y-4">
          <IpAllowlistField {...settings} />
          <RateLimitFields {...settings} />
        </div>
      </Section>

      <div className="flex items-center justify-end gap-3 bg-slate-50/60 px-6 py-4">
        <Link href="/keys" className={buttonSecondary}>
          Cancel
        </Link>
        <button type="submit" disabled={pending} className={buttonPrimary} data-testid="create-key-submit">
          {pending ? "Creating…" : "Create key"}
        </button>
      </div>
    </form>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <section className="grid gap-4 px-6 py-5 md:grid-cols-3">
      <div>
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        <p className="mt-1 text-xs text-slate-500">{description}</p>
      </div>
      <div className="md:col-span-2">{children}</div>
    </section>
  );
}
