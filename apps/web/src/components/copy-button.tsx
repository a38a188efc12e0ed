"use client";
// A small "Copy" button beside an id, a fingerprint or a command: copies the value, says so to
// screen readers, and falls back to nothing worse than no copy when the clipboard is refused.
import { useState } from "react";

export function CopyButton({ value, label, testId }: { value: string; label: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  return (
    <button
      type="button"
      onClick={() => void copy().then(() => setTimeout(() => setState("idle"), 2000))}
      className="inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-300 ring-inset hover:bg-slate-100 hover:text-slate-900"
      // Named by `label` while it reads "Copy"; while it reads "Copied" its name is that word, so the
      // visible text stays part of the accessible name (WCAG 2.5.3).
      aria-label={state === "idle" ? label : undefined}
      data-testid={testId}
    >
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy blocked" : "Copy"}</span>
    </button>
  );
}
