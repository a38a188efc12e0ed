"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState, useTransition } from "react";
import { Dialog } from "@/components/dialog";
import { Field } from "@/components/field";
import { buttonPrimary, buttonSecondary, input } from "@/components/styles";
import { useForgetOnRestore } from "@/components/use-forget-on-restore";
import {
  changeGuardTtlAction,
  type GuardSecretResult,
  type GuardTokenResult,
  type GuardTtlResult,
  regenerateGuardSecretAction,
  renewGuardTokenAction,
} from "./guard-actions";

/** A guard secret or token, shown once: it lives only in this component's state, from the action's response. */
function OneTimeValue({ title, value, note, testId }: { title: string; value: string; note: string; testId: string }) {
  useForgetOnRestore();
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2" data-testid={`${testId}-reveal`}>
      <Field id={id} label={title} className="space-y-2">
        {(control) => (
          <div className="flex gap-2">
            <input
              {...control}
              readOnly
              value={value}
              data-testid={`${testId}-value`}
              spellCheck={false}
              autoComplete="off"
              onFocus={(e) => e.currentTarget.select()}
              className="block w-full min-w-0 rounded-md border-0 bg-slate-900 px-3 py-2.5 font-mono text-sm text-emerald-300 ring-1 ring-slate-700 ring-inset focus:ring-2 focus:ring-indigo-500 focus:outline-none"
            />
            <button
              type="button"
              className={`${buttonSecondary} shrink-0`}
              onClick={() =>
                navigator.clipboard.writeText(value).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        )}
      </Field>
      <p
        role="alert"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/20 ring-inset"
      >
        <strong className="font-semibold">Copy it now. You will not see it again.</strong> {note}
      </p>
    </div>
  );
}

export function GuardSection({ manage, secretSet, ttlText }: { manage: boolean; secretSet: boolean; ttlText: string }) {
  const router = useRouter();
  const ttlId = useId();
  const [pending, startTransition] = useTransition();
  const [secret, setSecret] = useState<GuardSecretResult | null>(null);
  const [token, setToken] = useState<GuardTokenResult | null>(null);
  const [ttl, setTtl] = useState(ttlText);
  const [ttlResult, setTtlResult] = useState<GuardTtlResult | null>(null);

  const [confirming, setConfirming] = useState(false);

  function regenerate() {
    setConfirming(false);
    startTransition(async () => {
      setToken(null);
      setSecret(await regenerateGuardSecretAction());
      router.refresh();
    });
  }

  function renew() {
    startTransition(async () => setToken(await renewGuardTokenAction()));
  }

  function saveTtl(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const answer = await changeGuardTtlAction({ ttl });
      setTtlResult(answer);
      if (answer.ok) router.refresh();
    });
  }

  return (
    <div className="space-y-5">
      <dl className="grid gap-4 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-xs font-medium text-slate-500">Guard secret</dt>
          <dd className="mt-1 text-slate-800" data-testid="guard-secret-state">
            {secretSet ? "Set" : "Not set"}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-slate-500">Token lifetime</dt>
          <dd className="mt-1 font-mono text-slate-800" data-testid="guard-ttl">
            {ttlText}
          </dd>
        </div>
      </dl>

      {manage ? (
        <>
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              className={secretSet ? buttonSecondary : buttonPrimary}
              onClick={secretSet ? () => setConfirming(true) : regenerate}
              disabled={pending}
              data-testid="guard-secret-generate"
            >
              {secretSet ? "Regenerate secret" : "Generate secret"}
            </button>
            <button
              type="button"
              className={buttonSecondary}
              onClick={renew}
              disabled={pending || !secretSet}
              data-testid="guard-token-renew"
            >
              Renew token
            </button>
          </div>
          <Dialog
            open={confirming}
            onClose={() => setConfirming(false)}
            title="Generate a new guard secret?"
            description="The current secret and every token signed with it stop working; guards that use the dashboard's secret switch to the new one within seconds."
            testId="guard-regenerate-dialog"
          >
            <div className="flex justify-end gap-2">
              <button type="button" className={buttonSecondary} onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" className={buttonPrimary} onClick={regenerate} data-testid="guard-secret-confirm">
                Generate new secret
              </button>
            </div>
          </Dialog>
          {secret?.ok ? (
            <OneTimeValue
              title="Guard secret (header keyward-auth-key)"
              value={secret.secret}
              note="Keyward keeps it encrypted; a guard started without --auth-secret uses it."
              testId="guard-secret"
            />
          ) : null}
          {secret && !secret.ok ? (
            <p role="alert" className="text-sm text-red-700" data-testid="guard-error">
              {secret.error}
            </p>
          ) : null}
          {token?.ok ? (
            <OneTimeValue
              title="Guard token (header keyward-auth-token)"
              value={token.token}
              note={`It is valid until ${token.expiresAt}, on every guard that uses this secret.`}
              testId="guard-token"
            />
          ) : null}
          {token && !token.ok ? (
            <p role="alert" className="text-sm text-red-700" data-testid="guard-error">
              {token.error}
            </p>
          ) : null}

          <form onSubmit={saveTtl} className="max-w-sm space-y-2" noValidate>
            <Field
              id={ttlId}
              label="Token lifetime"
              hint="24h, 90m, 7d, or a number of hours. Applies to tokens issued from now on."
              error={ttlResult && !ttlResult.ok ? ttlResult.fieldErrors.ttl : undefined}
              errorTestId="guard-ttl-error"
              className="space-y-2"
            >
              {(control) => (
                <div className="flex gap-2">
                  <input
                    {...control}
                    name="ttl"
                    value={ttl}
                    onChange={(e) => setTtl(e.target.value)}
                    className={`${input} font-mono`}
                  />
                  <button
                    type="submit"
                    className={`${buttonSecondary} shrink-0`}
                    disabled={pending}
                    data-testid="guard-ttl-save"
                  >
                    Save
                  </button>
                </div>
              )}
            </Field>
            {ttlResult?.ok ? (
              <p role="status" className="text-sm text-emerald-700" data-testid="guard-ttl-saved">
                {ttlResult.message}
              </p>
            ) : null}
          </form>
        </>
      ) : null}
    </div>
  );
}
