"use client";
// The keys list's search and status filter. The list follows as you type (a short pause, then the
// URL is replaced, so Back does not replay every keystroke); Enter or a change of status applies at once.
// The environment is not here: the Live/Test switch above the list is the one control for it.
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { Field } from "@/components/field";
import { input, inputBase } from "@/components/styles";
import { STATUS_CHOICES } from "./status-choices";

const TYPING_PAUSE_MS = 250;

export function KeyFilters({ environment, status, q }: { environment?: string; status: string; q: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [text, setText] = useState(q);
  const [pending, startTransition] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const applied = useRef(q);

  // The URL changed from elsewhere (Clear, Back): show its search, unless it is the one typed here.
  useEffect(() => {
    if (q !== applied.current) setText(q);
    applied.current = q;
  }, [q]);

  const apply = (next: { q?: string; status?: string }) => {
    clearTimeout(timer.current);
    const params = new URLSearchParams();
    if (environment) params.set("environment", environment);
    const nextStatus = next.status ?? status;
    if (nextStatus) params.set("status", nextStatus);
    const nextQ = (next.q ?? text).trim();
    if (nextQ) params.set("q", nextQ);
    applied.current = nextQ;
    const query = params.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  };

  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    <form
      method="get"
      action="/keys"
      aria-label="Filter keys"
      aria-busy={pending}
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        apply({});
      }}
    >
      {environment ? <input type="hidden" name="environment" value={environment} /> : null}
      <Field id="q" label="Search" hideLabel className="min-w-56 flex-1">
        {(control) => (
          <input
            {...control}
            name="q"
            type="search"
            value={text}
            onChange={(event) => {
              const value = event.target.value;
              setText(value);
              clearTimeout(timer.current);
              timer.current = setTimeout(() => apply({ q: value }), TYPING_PAUSE_MS);
            }}
            placeholder="Search by name or key start (kw_live_Ab3d)"
            className={input}
          />
        )}
      </Field>
      <Field id="status" label="Status" hideLabel>
        {(control) => (
          <select
            {...control}
            name="status"
            defaultValue={status}
            onChange={(event) => apply({ status: event.target.value })}
            className={`${inputBase} pr-8`}
          >
            {STATUS_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {/* Enter in the search applies it; without JavaScript this is the form's submit. */}
      <button type="submit" className="sr-only">
        Search
      </button>
    </form>
  );
}
