"use client";

import { useActionState, useId } from "react";
import { buttonSecondary, inputBase } from "@/components/styles";
import { type SwitchCompanyState, switchCompany } from "@/server/switch-company";

export interface SwitcherCompany {
  id: string;
  name: string;
  /** Shown after the name: the role, "operator", "suspended". */
  detail: string;
  suspended: boolean;
}

/**
 * The company the dashboard shows, as a native select in a form: reachable and operable by keyboard,
 * and nothing happens until "Switch" is pressed (changing a select must not navigate by itself).
 */
export function CompanySwitcher({ current, companies }: { current: string; companies: SwitcherCompany[] }) {
  const id = useId();
  const [state, action, pending] = useActionState<SwitchCompanyState, FormData>(switchCompany, { error: null });
  return (
    <form action={action} className="flex min-w-0 flex-wrap items-center gap-2" data-testid="company-switcher">
      <label htmlFor={id} className="text-xs text-slate-500">
        Company
      </label>
      <select
        id={id}
        name="companyId"
        defaultValue={current}
        aria-describedby={state.error ? `${id}-error` : undefined}
        className={`${inputBase} max-w-72 min-w-0 py-1.5 pr-8 font-medium`}
      >
        {companies.map((c) => (
          <option key={c.id} value={c.id} disabled={c.suspended}>
            {c.name} ({c.detail})
          </option>
        ))}
      </select>
      <button type="submit" disabled={pending} className={`${buttonSecondary} py-1.5`}>
        {pending ? "Switching…" : "Switch"}
        <span className="sr-only"> company</span>
      </button>
      {state.error ? (
        <p id={`${id}-error`} role="alert" className="w-full text-xs font-medium text-red-600">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
