"use client";

import { useAction } from "@/components/use-action";
import type { Refusal } from "@/server/member-action";

/**
 * A button that makes one change when clicked (no form, no confirmation): the page's data is
 * refreshed once it is made, and a refusal is shown beside the button.
 */
export function ActionButton({
  change,
  label,
  pendingLabel,
  srDetail,
  className,
}: {
  change: () => Promise<{ ok: true } | Refusal>;
  label: string;
  pendingLabel: string;
  /** Says which row the button acts on, for screen readers ("Remove" → "Remove vehicles"). */
  srDetail: string;
  className: string;
}) {
  const { result, pending, run } = useAction(change);
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" disabled={pending} onClick={() => run(undefined)} className={className}>
        {pending ? pendingLabel : label}
        <span className="sr-only"> {srDetail}</span>
      </button>
      {result && !result.ok ? (
        <span role="alert" className="text-xs text-red-600">
          {result.error}
        </span>
      ) : null}
    </span>
  );
}
