"use client";

import { type ReactNode, useState } from "react";
import { KeyChangeDialogs } from "./key-dialogs";

const small =
  "inline-flex items-center justify-center rounded-md bg-white px-2.5 py-1 text-xs font-semibold shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50";

/**
 * Rotate and revoke from a row of the keys list, with the key page's own dialogs. Rendered only for
 * members who may manage keys and for keys that still work; the actions check again.
 */
export function KeyRowActions({ keyId, keyName, curl }: { keyId: string; keyName: string; curl: ReactNode }) {
  const [dialog, setDialog] = useState<"rotate" | "revoke" | null>(null);
  return (
    // Under the key's name (no column of their own: the eight columns fit beside the sidebar).
    <div className="mt-1.5 flex gap-2">
      {/* The key's name is read out with each button: a list has many "Rotate" buttons. */}
      <button
        type="button"
        className={`${small} text-slate-700`}
        onClick={() => setDialog("rotate")}
        data-testid="row-rotate-open"
      >
        Rotate<span className="sr-only"> {keyName}</span>
      </button>
      <button
        type="button"
        className={`${small} text-red-700`}
        onClick={() => setDialog("revoke")}
        data-testid="row-revoke-open"
      >
        Revoke<span className="sr-only"> {keyName}</span>
      </button>
      <KeyChangeDialogs
        keyId={keyId}
        keyName={keyName}
        curl={curl}
        after="list"
        open={dialog}
        onClose={() => setDialog(null)}
      />
    </div>
  );
}
