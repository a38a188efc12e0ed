"use client";

// The controls for the key settings the create and edit forms share, so both read and write them alike.
import { describedBy, Field, FieldError } from "@/components/field";
import { input, inputBase, label } from "@/components/styles";
import type { ExpiryChoice, KeySettingsValues } from "./key-form";

type Errors = Partial<Record<string, string>>;

interface SettingsProps {
  /** The form's useId(): controls and errors get ids from it (`${ids}-expiresAt-error`, …). */
  ids: string;
  values: KeySettingsValues;
  errors: Errors;
  set: (name: keyof KeySettingsValues, value: string) => void;
}

const EXPIRY_LABEL: Record<ExpiryChoice, string> = {
  never: "Never",
  "7d": "In 7 days",
  "30d": "In 30 days",
  "90d": "In 90 days",
  "365d": "In 1 year",
  custom: "On a date…",
};

/** Never, in N days, or on a date (UTC); its error is `expiresAt`'s. */
export function ExpiryFields({ ids, values, errors, set }: SettingsProps) {
  return (
    <>
      <div className="flex flex-wrap gap-3">
        <Field id={`${ids}-expiry`} label="Expires" hideLabel>
          {(control) => (
            <select
              {...control}
              value={values.expiry}
              onChange={(e) => set("expiry", e.target.value)}
              className={`${inputBase} pr-8`}
            >
              {Object.entries(EXPIRY_LABEL).map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          )}
        </Field>
        {values.expiry === "custom" ? (
          <Field id={`${ids}-expiry-date`} label="Expiry date (UTC)" hideLabel>
            {(control) => (
              <input
                {...control}
                {...describedBy(`${ids}-expiresAt`, { error: errors.expiresAt })}
                type="date"
                value={values.expiryDate}
                onChange={(e) => set("expiryDate", e.target.value)}
                className={inputBase}
              />
            )}
          </Field>
        ) : null}
      </div>
      <FieldError id={`${ids}-expiresAt`} error={errors.expiresAt} testId="error-expiresAt" />
    </>
  );
}

/** IPs and CIDR ranges, separated by commas, spaces or lines. */
export function IpAllowlistField({ ids, values, errors, set }: SettingsProps) {
  return (
    <Field id={`${ids}-ipAllowlist`} label="IP allowlist" error={errors.ipAllowlist} errorTestId="error-ipAllowlist">
      {(control) => (
        <textarea
          {...control}
          rows={2}
          value={values.ipAllowlist}
          onChange={(e) => set("ipAllowlist", e.target.value)}
          placeholder="203.0.113.7, 10.0.0.0/8, 2001:db8::/32"
          className={`${input} mt-1.5 font-mono`}
        />
      )}
    </Field>
  );
}

/** N requests per M seconds; an empty N is no limit. Its error is `rateLimit`'s. */
export function RateLimitFields({ ids, values, errors, set }: SettingsProps) {
  return (
    <fieldset>
      <legend className={label}>Rate limit</legend>
      <div className="mt-1.5 flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <Field id={`${ids}-rl`} label="Requests" hideLabel>
          {(control) => (
            <input
              {...control}
              {...describedBy(`${ids}-rateLimit`, { error: errors.rateLimit })}
              inputMode="numeric"
              value={values.rateLimit}
              onChange={(e) => set("rateLimit", e.target.value)}
              placeholder="1000"
              className={`${inputBase} w-28`}
            />
          )}
        </Field>
        <span>requests per</span>
        <Field id={`${ids}-rlw`} label="Window in seconds" hideLabel>
          {(control) => (
            <input
              {...control}
              {...describedBy(`${ids}-rateLimit`, { error: errors.rateLimit })}
              inputMode="numeric"
              value={values.rateLimitWindowSeconds}
              onChange={(e) => set("rateLimitWindowSeconds", e.target.value)}
              className={`${inputBase} w-24`}
            />
          )}
        </Field>
        <span>seconds</span>
      </div>
      <FieldError id={`${ids}-rateLimit`} error={errors.rateLimit} testId="error-rateLimit" />
    </fieldset>
  );
}
