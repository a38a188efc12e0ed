"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
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
            const answer = await change();
            if (answer.ok) router.refresh();
            else setError(answer.error);
          })
        }
        className={className}
      >
        {pending ? pendingLabel : label}
        <span className="sr-only"> {srDetail}</span>
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      ) : null}
    </span>
  );
}
