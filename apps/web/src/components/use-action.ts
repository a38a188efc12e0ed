"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";

/**
 * Calls a server action from a form or a button: holds its last answer and whether it is running,
 * and once a change is made runs `onDone`, then refreshes the page's server-rendered data (unless
 * `refresh` is false: a page that must not re-render, e.g. one about to show a secret).
 */
export function useAction<Input, Answer extends { ok: boolean }>(
  action: (input: Input) => Promise<Answer>,
  { onDone, refresh = true }: { onDone?: (done: Extract<Answer, { ok: true }>) => void; refresh?: boolean } = {},
) {
  const router = useRouter();
  const [result, setResult] = useState<Answer | null>(null);
  const [pending, startTransition] = useTransition();

  function run(input: Input): void {
    startTransition(async () => {
      const answer = await action(input);
      setResult(answer);
      if (!answer.ok) return;
      onDone?.(answer as Extract<Answer, { ok: true }>);
      if (refresh) router.refresh();
    });
  }

  /** A form's submit handler that sends `input` (the form's state) instead of navigating. */
  const submit = (input: Input) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    run(input);
  };

  return { result, setResult, pending, run, submit };
}
