"use client";

import { downloadText } from "@/components/download";
import { buttonSecondary } from "@/components/styles";
import type { EnvFileOutcome } from "./actions";

function WhereWritten({ outcome }: { outcome: EnvFileOutcome }) {
  const path = (p: string) => (
    <code className="font-mono break-all text-slate-900" data-testid="env-file-path">
      {p}
    </code>
  );
  switch (outcome.status) {
    case "created":
      return <>Written to {path(outcome.path)} (a new file, mode 0600).</>;
    case "updated":
      return (
        <>
          Written to {path(outcome.path)} (mode 0600): its <code className="font-mono">KEYWARD_ADMIN_KEY</code> and{" "}
          <code className="font-mono">KEYWARD_READONLY_KEY</code> lines were replaced, every other line was kept.
        </>
      );
    case "failed":
      return (
        <>
          Could not write {path(outcome.path)} ({outcome.reason}): download the file instead.
        </>
      );
    case "not-written":
      return (
        <>
          This dashboard was not started with <code className="font-mono">pnpm start</code> from a Keyward checkout, so
          no file was written: download it.
        </>
      );
  }
}

/** The keys as the `.env.local` that `keyward setup` writes, for the README's `source .env.local`. */
export function EnvFilePanel({ text, outcome }: { text: string; outcome: EnvFileOutcome }) {
  return (
    <section
      aria-labelledby="env-file-title"
      className="space-y-3 rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200"
      data-testid="env-file"
    >
      <h2 id="env-file-title" className="text-sm font-semibold text-slate-900">
        Both keys in <code className="font-mono">.env.local</code>
      </h2>
      <p className="text-sm text-slate-700" data-testid="env-file-outcome" data-status={outcome.status}>
        <WhereWritten outcome={outcome} />
      </p>
      <button
        type="button"
        onClick={() => downloadText(text, ".env.local")}
        className={buttonSecondary}
        data-testid="env-file-download"
      >
        Download .env.local
      </button>
      <p className="text-xs text-slate-600">
        Browsers may save it as <code className="font-mono">env.local</code>, without the leading dot: move it into your
        Keyward checkout as <code className="font-mono">.env.local</code>, then{" "}
        <code className="font-mono">source .env.local</code> sets <code className="font-mono">$KEYWARD_ADMIN_KEY</code>{" "}
        and <code className="font-mono">$KEYWARD_READONLY_KEY</code>.
      </p>
    </section>
  );
}
