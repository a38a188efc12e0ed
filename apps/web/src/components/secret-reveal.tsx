"use client";

import { useId, useRef, useState } from "react";
import { buttonSecondary } from "@/components/styles";
import { useForgetOnRestore } from "@/components/use-forget-on-restore";

/**
 * Shows a key's secret once. The secret lives only in the props of this client component, which
 * come from the response of the server action that created the key: never from a URL or a GET.
 */
export function SecretReveal({
  label,
  secret,
  testId = "secret",
  noun = "key",
}: {
  label: string;
  secret: string;
  testId?: string;
  /** What the secret is, in the warning: "Copy this key now." */
  noun?: "key" | "password";
}) {
  useForgetOnRestore();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("copied");
    } catch {
      // Clipboard access can be refused (insecure origin, permissions): select the text instead.
      inputRef.current?.select();
      setCopied("failed");
    }
    setTimeout(() => setCopied("idle"), 2500);
  }

  return (
    <div className="space-y-2" data-testid={`${testId}-reveal`}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          ref={inputRef}
          id={id}
          data-testid={`${testId}-value`}
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full min-w-0 rounded-md border-0 bg-slate-900 px-3 py-2.5 font-mono text-sm text-emerald-300 shadow-inner ring-1 ring-slate-700 ring-inset focus:ring-2 focus:ring-indigo-500 focus:outline-none"
        />
        <button type="button" onClick={copy} className={`${buttonSecondary} shrink-0`} data-testid={`${testId}-copy`}>
          {copied === "copied" ? "Copied" : "Copy"}
        </button>
      </div>
      <p
        role="alert"
        className="flex items-start gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/20 ring-inset"
      >
        <svg
          aria-hidden="true"
          viewBox="0 0 20 20"
          fill="currentColor"
          className="mt-0.5 size-4 shrink-0 text-amber-500"
        >
          <path
            fillRule="evenodd"
            d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 6a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 6Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
            clipRule="evenodd"
          />
        </svg>
        <span>
          <strong className="font-semibold">Copy this {noun} now. You will not see it again.</strong>{" "}
          {copied === "failed"
            ? `Copying was blocked by the browser: the ${noun} is selected, press Ctrl+C.`
            : "Keyward stores only its hash."}
        </span>
      </p>
      <span className="sr-only" aria-live="polite">
        {copied === "copied" ? `${noun === "key" ? "Key" : "Password"} copied to the clipboard` : ""}
      </span>
    </div>
  );
}
