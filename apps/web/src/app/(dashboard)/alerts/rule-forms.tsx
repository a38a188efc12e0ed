"use client";

import type { KeyStatus } from "@keyward/auth-core";
import type { PublicAlertRule } from "@keyward/core";
import { useId, useState } from "react";
import { Dialog } from "@/components/dialog";
import { Field, FormError } from "@/components/field";
import { ENVIRONMENT_OPTIONS } from "@/components/labels";
import { buttonPrimary, buttonSecondary, hint, input } from "@/components/styles";
import { useAction } from "@/components/use-action";
import {
  deleteRuleAction,
  type RuleChangeResult,
  type RuleForm,
  saveRuleAction,
  sendTestAlertAction,
  setRuleEnabledAction,
} from "./actions";
import { KINDS } from "./kinds";

const COUNTING = new Set(["auth_failures", "request_spike", "rate_limited"]);

const EMPTY: RuleForm = {
  name: "",
  kind: "auth_failures",
  threshold: "10",
  windowSeconds: "60",
  days: "7",
  scope: "env:live",
  cooldownSeconds: "600",
  webhookUrl: "",
  webhookSecret: "",
  emailTo: "",
};

type KeyOption = { id: string; name: string; start: string; status: KeyStatus };

/** A key in the picker: its status shown unless active; keys that no longer work listed apart, last. */
function keyOption(k: KeyOption) {
  return (
    <option key={k.id} value={`key:${k.id}`}>
      {`${k.name} (${k.start}…)${k.status === "active" ? "" : ` · ${k.status}`}`}
    </option>
  );
}

function KeyOptions({ keys }: { keys: KeyOption[] }) {
  const ended = keys.filter((k) => k.status === "revoked" || k.status === "expired");
  const working = keys.filter((k) => !ended.includes(k));
  if (ended.length === 0) return <>{working.map(keyOption)}</>;
  return (
    <>
      <optgroup label="Keys in use">{working.map(keyOption)}</optgroup>
      <optgroup label="Revoked or expired keys">{ended.map(keyOption)}</optgroup>
    </>
  );
}

/** The form's values for an existing rule; the signing secret starts empty (kept unless replaced). */
function valuesOf(rule: PublicAlertRule): RuleForm {
  const webhook = rule.channels.find((c) => c.type === "webhook");
  const email = rule.channels.find((c) => c.type === "email");
  return {
    name: rule.name,
    kind: rule.kind,
    threshold: String(rule.threshold ?? 10),
    windowSeconds: String(rule.windowSeconds ?? 60),
    days: String(rule.days ?? 7),
    scope: rule.keyId ? `key:${rule.keyId}` : rule.environment ? `env:${rule.environment}` : "all",
    cooldownSeconds: String(rule.cooldownSeconds),
    webhookUrl: webhook?.type === "webhook" ? webhook.url : "",
    webhookSecret: "",
    emailTo: email?.type === "email" ? email.to.join(", ") : "",
  };
}

export function RuleCreateForm({
  keys,
  emailEnabled,
  rule,
  onSaved,
}: {
  keys: KeyOption[];
  emailEnabled: boolean;
  /** Edits this rule; without it the form creates one. */
  rule?: PublicAlertRule;
  onSaved?: () => void;
}) {
  const id = useId();
  const [values, setValues] = useState<RuleForm>(rule ? valuesOf(rule) : EMPTY);
  const { result, pending, submit } = useAction(saveRuleAction, {
    onDone: () => {
      if (!rule) setValues(EMPTY);
      onSaved?.();
    },
  });
  const set = (field: keyof RuleForm) => (e: { target: { value: string } }) =>
    setValues({ ...values, [field]: e.target.value });

  const errors = result && !result.ok ? result.fieldErrors : {};
  const field = (
    name: keyof RuleForm,
    text: string,
    props: { type?: string; placeholder?: string; help?: string } = {},
  ) => (
    <Field id={`${id}-${name}`} label={text} hint={props.help} error={errors[name]} errorTestId={`error-${name}`}>
      {(control) => (
        <input
          {...control}
          type={props.type ?? "text"}
          value={values[name]}
          onChange={set(name)}
          placeholder={props.placeholder}
          className={`${input} mt-1.5`}
          data-testid={`rule-${name}`}
        />
      )}
    </Field>
  );
  const kind = KINDS.find((k) => k.value === values.kind);

  return (
    <form
      onSubmit={submit({ ...values, ruleId: rule?.id ?? null })}
      noValidate
      className="space-y-4"
      data-testid="rule-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        {field("name", "Name", { placeholder: "Bursts of refused requests" })}
        <Field id={`${id}-kind`} label="Kind" hint={kind?.hint}>
          {(control) => (
            <select
              {...control}
              value={values.kind}
              onChange={set("kind")}
              className={`${input} mt-1.5`}
              data-testid="rule-kind"
            >
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {COUNTING.has(values.kind) ? (
          <>
            {field("threshold", "Threshold (N)", { type: "number" })}
            {field("windowSeconds", "Window (W, seconds)", { type: "number" })}
          </>
        ) : null}
        {values.kind === "expiring" ? field("days", "Days before expiry (D)", { type: "number" }) : null}
        <Field id={`${id}-scope`} label="Keys" error={errors.keyId}>
          {(control) => (
            <select
              {...control}
              value={values.scope}
              onChange={set("scope")}
              className={`${input} mt-1.5`}
              data-testid="rule-scope"
            >
              {ENVIRONMENT_OPTIONS.map((environment) => (
                <option key={environment} value={`env:${environment}`}>
                  {`All ${environment} keys`}
                </option>
              ))}
              <option value="all">All keys</option>
              <KeyOptions keys={keys} />
            </select>
          )}
        </Field>
        {field("cooldownSeconds", "Cooldown (seconds)", {
          type: "number",
          help: "One incident is one alert: the rule stays quiet this long after firing.",
        })}
      </div>
      <fieldset className="grid gap-4 rounded-lg p-4 ring-1 ring-slate-200 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-slate-900">Channels</legend>
        {field("webhookUrl", "Webhook URL", { placeholder: "https://hooks.example.com/keyward" })}
        {field("webhookSecret", "Signing secret", {
          type: "password",
          help: rule
            ? "Leave empty to keep the current secret."
            : "At least 16 characters. Signs each body (Keyward-Signature); stored encrypted, never shown again.",
        })}
        {emailEnabled ? (
          field("emailTo", "Email to", { placeholder: "ops@example.com, oncall@example.com" })
        ) : (
          <p className={`${hint} sm:col-span-2`}>Email alerts need SMTP_URL on the API and the dashboard.</p>
        )}
      </fieldset>
      {result && !result.ok ? <FormError error={result.error} testId="form-error" /> : null}
      {result?.ok ? (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
          data-testid="rule-created"
        >
          Rule saved. It applies on every API replica within seconds.
        </p>
      ) : null}
      <button type="submit" disabled={pending} className={buttonPrimary} data-testid="rule-submit">
        {pending ? "Saving…" : rule ? "Save rule" : "Create rule"}
      </button>
    </form>
  );
}

export function RuleActions({
  rule,
  keys,
  emailEnabled,
}: {
  rule: PublicAlertRule;
  keys: KeyOption[];
  emailEnabled: boolean;
}) {
  const { id, name, enabled } = rule;
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const { result, pending, run } = useAction((change: () => Promise<RuleChangeResult>) => change());

  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={pending}
        className={buttonSecondary}
        onClick={() => run(() => sendTestAlertAction({ id }))}
        data-testid="rule-test"
      >
        Send test alert
      </button>
      <button
        type="button"
        disabled={pending}
        className={buttonSecondary}
        onClick={() => run(() => setRuleEnabledAction({ id, enabled: !enabled }))}
        data-testid="rule-toggle"
      >
        {enabled ? "Disable" : "Enable"}
      </button>
      <button
        type="button"
        disabled={pending}
        className={buttonSecondary}
        onClick={() => setEditing(true)}
        data-testid="rule-edit"
      >
        Edit
      </button>
      <Dialog open={editing} onClose={() => setEditing(false)} title={`Edit "${name}"`} wide>
        {editing ? (
          <div className="mt-4">
            <RuleCreateForm keys={keys} emailEnabled={emailEnabled} rule={rule} onSaved={() => setEditing(false)} />
          </div>
        ) : null}
      </Dialog>
      <button
        type="button"
        disabled={pending}
        className={buttonSecondary}
        onClick={() => setConfirming(true)}
        data-testid="rule-delete"
      >
        Delete
      </button>
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Delete "${name}"?`}
        description="Its fired alerts are deleted too."
      >
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className={buttonSecondary} onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={buttonPrimary}
            data-testid="rule-delete-confirm"
            onClick={() => {
              setConfirming(false);
              run(() => deleteRuleAction({ id }));
            }}
          >
            Delete rule
          </button>
        </div>
      </Dialog>
      {result ? (
        <p
          role={result.ok ? "status" : "alert"}
          className={`w-full text-sm ${result.ok ? "text-emerald-700" : "text-red-700"}`}
          data-testid="rule-action-result"
        >
          {result.ok ? result.message : result.error}
        </p>
      ) : null}
    </div>
  );
}
