"use client";

import { type ReactNode, useState } from "react";
import { Dialog } from "@/components/dialog";
import { FormError } from "@/components/field";
import { buttonDanger, buttonPrimary, buttonSecondary } from "@/components/styles";
import { useAction } from "@/components/use-action";
import type { Refusal } from "@/server/member-action";

const TRIGGER = {
  danger: "rounded-md px-2 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50",
  primary: "rounded-md px-2 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50",
};

/**
 * A row's button for a change that is confirmed first: it opens a dialog saying what happens, and the
 * change is made only from the dialog's confirm button; the page's data is refreshed once it is made,
 * and a refusal is shown in the dialog. `children` go above the buttons (e.g. a typed confirmation,
 * with `ready` false until it matches).
 */
export function ConfirmButton({
  change,
  label,
  srDetail,
  title,
  description,
  confirmLabel,
  pendingLabel,
  tone = "danger",
  ready = true,
  onOpen,
  children,
  testId,
}: {
  change: () => Promise<{ ok: true } | Refusal>;
  label: string;
  /** Says which row the button acts on, for screen readers ("Suspend" → "Suspend Initech"). */
  srDetail: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  tone?: "danger" | "primary";
  ready?: boolean;
  /** Resets the caller's own state (e.g. the typed confirmation) each time the dialog opens. */
  onOpen?: () => void;
  children?: ReactNode;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const { result, setResult, pending, run } = useAction(change, { onDone: () => setOpen(false) });
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setResult(null);
          onOpen?.();
          setOpen(true);
        }}
        className={TRIGGER[tone]}
      >
        {label}
        <span className="sr-only"> {srDetail}</span>
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={title} description={description} testId={testId}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            run(undefined);
          }}
          className="space-y-4"
        >
          {result && !result.ok ? <FormError error={result.error} /> : null}
          {children}
          <div className="flex justify-end gap-3">
            <button type="button" className={buttonSecondary} onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="submit"
              disabled={pending || !ready}
              className={tone === "danger" ? buttonDanger : buttonPrimary}
            >
              {pending ? pendingLabel : confirmLabel}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
