"use client";
// The rotate and revoke dialogs, shared by a key's page and the keys list's row actions: one form for
// each change, whichever page it is made from. The server actions check the member's role again.
import { type ReactNode, useId, useState } from "react";
import { Dialog } from "@/components/dialog";
import { Field, FormError } from "@/components/field";
import { SecretReveal } from "@/components/secret-reveal";
import { buttonDanger, buttonPrimary, buttonSecondary, input, label } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { type RotateKeyResult, revokeKeyAction, rotateKeyAction } from "./[id]/actions";

type Grace = "now" | "1h" | "24h" | "7d";
type Rotated = Extract<RotateKeyResult, { ok: true }>;

const GRACE_OPTIONS: { value: Grace; title: string; description: string }[] = [
  { value: "now", title: "Now", description: "The old key stops working at once." },
  { value: "1h", title: "1 hour", description: "Both keys work for an hour." },
  { value: "24h", title: "24 hours", description: "Time to redeploy across a day." },
  { value: "7d", title: "7 days", description: "The longest overlap allowed." },
];

/**
 * Where "Done" goes once the new secret was shown: the new key's page, or the list the member came
 * from (first page, new key highlighted: it is the newest, so it is on the first page).
 */
function doneHref(after: "key" | "list", newKeyId: string): string {
  if (after === "key") return `/keys/${encodeURIComponent(newKeyId)}`;
  const url = new URL(window.location.href);
  url.searchParams.delete("cursor");
  url.searchParams.delete("before");
  url.searchParams.set("created", newKeyId);
  return `${url.pathname}${url.search}`;
}

/** Rotate a key, then show its replacement's secret once. */
export function RotateKeyDialog({
  keyId,
  keyName,
  open,
  onClose,
  curl,
  after,
}: {
  keyId: string;
  keyName: string;
  open: boolean;
  onClose: () => void;
  curl: ReactNode;
  after: "key" | "list";
}) {
  const [rotated, setRotated] = useState<Rotated | null>(null);

  // The page stays as it was while the secret is shown (no refresh): what "Done" opens is loaded afresh.
  if (rotated) {
    const href = doneHref(after, rotated.key.id);
    const graceLeft = new Date(rotated.oldKeyExpiresAt).getTime() > Date.now();
    return (
      // Closing it any way (Done, Escape) is a full page load: the secret goes with this page's memory.
      <Dialog
        open
        wide
        onClose={() => window.location.assign(href)}
        title="Key rotated"
        description={
          <>
            A new key replaces <span className="font-medium text-slate-800">{keyName}</span>.{" "}
            {graceLeft
              ? `The old key keeps working until ${new Date(rotated.oldKeyExpiresAt).toUTCString()}.`
              : "The old key no longer works."}{" "}
            {after === "key" ? "Done opens the new key's page." : "Done shows it in the list."}
          </>
        }
        testId="key-rotated"
      >
        <div className="space-y-6">
          <SecretReveal label="New secret key" secret={rotated.secret} />
          <div>
            <p className="mb-2 text-sm font-medium text-slate-800">Try it</p>
            {curl}
          </div>
          <a href={href} className={buttonPrimary} data-testid="reveal-done">
            Done
          </a>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Rotate “${keyName}”`}
      description="A new key with the same name, scopes and limits is created. Choose how long the old one keeps working."
      testId="rotate-dialog"
    >
      <RotateForm keyId={keyId} onCancel={onClose} onRotated={setRotated} />
    </Dialog>
  );
}

/** Revoke a key after a confirmation, with an optional reason; the page's data is then refreshed. */
export function RevokeKeyDialog({
  keyId,
  keyName,
  open,
  onClose,
}: {
  keyId: string;
  keyName: string;
  open: boolean;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Revoke “${keyName}”?`}
      description="The key stops working at once, on every API replica. This cannot be undone."
      testId="revoke-dialog"
    >
      <RevokeForm keyId={keyId} keyName={keyName} onCancel={onClose} />
    </Dialog>
  );
}

function RotateForm({
  keyId,
  onCancel,
  onRotated,
}: {
  keyId: string;
  onCancel: () => void;
  onRotated: (result: Rotated) => void;
}) {
  const [grace, setGrace] = useState<Grace>("1h");
  // No refresh: the page must not re-render before the new secret is shown (see rotateKeyAction).
  const { result, pending, submit } = useAction(rotateKeyAction, { onDone: onRotated, refresh: false });

  return (
    <form onSubmit={submit({ keyId, grace })} className="space-y-5" data-testid="rotate-form">
      {result && !result.ok ? <FormError error={result.error} testId="form-error" /> : null}
      <fieldset>
        <legend className={label}>The old key stops working</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {GRACE_OPTIONS.map((option) => (
            <label
              key={option.value}
              className={`flex cursor-pointer items-start gap-2.5 rounded-lg p-3 ring-1 ring-inset has-focus-visible:ring-2 has-focus-visible:ring-indigo-600 ${
                grace === option.value ? "bg-indigo-50/50 ring-2 ring-indigo-600" : "ring-slate-300"
              }`}
            >
              <input
                type="radio"
                name="grace"
                value={option.value}
                checked={grace === option.value}
                onChange={() => setGrace(option.value)}
                className="mt-0.5 accent-indigo-600"
                data-testid={`grace-${option.value}`}
              />
              <span>
                <span className="block text-sm font-semibold text-slate-900">{option.title}</span>
                <span className="block text-xs text-slate-600">{option.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex justify-end gap-3">
        <button type="button" className={buttonSecondary} onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className={buttonPrimary} disabled={pending} data-testid="rotate-submit">
          {pending ? "Rotating…" : "Rotate key"}
        </button>
      </div>
    </form>
  );
}

function RevokeForm({ keyId, keyName, onCancel }: { keyId: string; keyName: string; onCancel: () => void }) {
  const id = useId();
  const [reason, setReason] = useState("");
  const { result, pending, submit } = useAction(revokeKeyAction, { onDone: onCancel });

  const refusal = result && !result.ok ? result : null;
  return (
    <form onSubmit={submit({ keyId, reason })} className="space-y-5" data-testid="revoke-form">
      {refusal ? <FormError error={refusal.error} testId="form-error" /> : null}
      <Field id={`${id}-reason`} label="Reason (optional)" error={refusal?.fieldErrors.reason}>
        {(control) => (
          <input
            {...control}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={500}
            placeholder="Leaked in a CI log"
            className={`${input} mt-1.5`}
          />
        )}
      </Field>
      <div className="flex justify-end gap-3">
        <button type="button" className={buttonSecondary} onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className={buttonDanger} disabled={pending} data-testid="revoke-submit">
          {pending ? "Revoking…" : `Revoke ${keyName}`}
        </button>
      </div>
    </form>
  );
}

/** One key's rotate and revoke dialogs, `open` naming the one shown (none for any other value). */
export function KeyChangeDialogs({
  open,
  onClose,
  ...key
}: {
  keyId: string;
  keyName: string;
  curl: ReactNode;
  after: "key" | "list";
  open: string | null;
  onClose: () => void;
}) {
  return (
    <>
      <RotateKeyDialog {...key} open={open === "rotate"} onClose={onClose} />
      <RevokeKeyDialog keyId={key.keyId} keyName={key.keyName} open={open === "revoke"} onClose={onClose} />
    </>
  );
}
