"use client";

import type { ReactNode } from "react";
import { label } from "@/components/styles";

/** A checkbox per scope, under one legend (the key forms: company keys' built-in scopes, operator keys' scopes). */
export function ScopeCheckboxes<Scope extends string>({
  scopes,
  checked,
  onToggle,
  describedBy,
  children,
}: {
  scopes: readonly Scope[];
  checked: readonly Scope[];
  onToggle: (scope: Scope, on: boolean) => void;
  /** The id of the group's error, when it has one. */
  describedBy?: string;
  /** Below the checkboxes, in the group: e.g. its error. */
  children?: ReactNode;
}) {
  return (
    <fieldset aria-describedby={describedBy}>
      <legend className={label}>Scopes</legend>
      <div className="mt-2 grid grid-cols-2 gap-x-6 gap-y-2 sm:grid-cols-3">
        {scopes.map((scope) => (
          <label key={scope} className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              checked={checked.includes(scope)}
              onChange={(e) => onToggle(scope, e.target.checked)}
              className="size-4 rounded border-slate-300 accent-indigo-600"
            />
            <code className="font-mono text-xs">{scope}</code>
          </label>
        ))}
      </div>
      {children}
    </fieldset>
  );
}
