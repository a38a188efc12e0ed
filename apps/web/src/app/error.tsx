"use client";

import { buttonPrimary } from "@/components/styles";

// Server errors reach the browser as a digest only; the message below is all the user needs.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-indigo-600">Something went wrong</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Keyward could not load this page</h1>
      <p className="mt-2 max-w-md text-sm text-slate-500">
        If the database is not running, start the stack with <code className="font-mono">pnpm start</code> and try
        again.
        {error.digest ? (
          <span className="mt-1 block font-mono text-xs text-slate-400">Reference: {error.digest}</span>
        ) : null}
      </p>
      <button type="button" onClick={reset} className={`${buttonPrimary} mt-6`}>
        Try again
      </button>
    </main>
  );
}
