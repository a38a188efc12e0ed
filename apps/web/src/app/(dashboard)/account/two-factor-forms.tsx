"use client";

import { type ComponentProps, useState } from "react";
import { CopyButton } from "@/components/copy-button";
import { downloadText } from "@/components/download";
import { FormError, TextField } from "@/components/field";
import { buttonDanger, buttonPrimary, buttonSecondary } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { useForgetOnRestore } from "@/components/use-forget-on-restore";
import type { Refusal } from "@/server/member-action";
import type { QrPath } from "@/server/qr-code";
import {
  beginTwoFactorAction,
  confirmTwoFactorAction,
  regenerateRecoveryCodesAction,
  turnOffTwoFactorAction,
} from "./actions";

// The mono "secret" look of a key shown once (SecretReveal).
const secretText =
  "block rounded-md bg-slate-900 px-3 py-2.5 font-mono text-sm break-all text-emerald-300 shadow-inner ring-1 ring-slate-700 ring-inset";

/** A refusal that no field shows, above the form. */
/** A field for an authenticator or recovery code: what every form here asks for the same way. */
function CodeField(props: Omit<ComponentProps<typeof TextField>, "autoComplete" | "maxLength" | "inputClassName">) {
  return <TextField autoComplete="one-time-code" maxLength={32} inputClassName="font-mono tracking-wider" {...props} />;
}

function formError(result: { ok: boolean } | null, testId: string) {
  if (!result || result.ok) return null;
  const refusal = result as Refusal;
  return Object.values(refusal.fieldErrors).some(Boolean) ? null : <FormError error={refusal.error} testId={testId} />;
}

const fieldErrorsOf = (result: { ok: boolean } | null) =>
  result && !result.ok ? (result as Refusal).fieldErrors : ({} as Refusal["fieldErrors"]);

/**
 * The account page's two-factor section: set up (QR code, key, first code), then the recovery
 * codes once; when on, new recovery codes and turning it off. Seeds and codes live only in this
 * component's state, from the answers of the server actions.
 */
export function TwoFactorPanel({ enabled, recoveryCodesLeft }: { enabled: boolean; recoveryCodesLeft: number }) {
  useForgetOnRestore();
  const [setup, setSetup] = useState<{ secret: string; uri: string; qr: QrPath } | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const begin = useAction(beginTwoFactorAction, { onDone: (done) => setSetup(done), refresh: false });

  if (recoveryCodes) return <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />;
  if (enabled) {
    return (
      <div className="space-y-6">
        <p className="text-sm text-slate-700" data-testid="two-factor-status">
          <span className="font-medium text-emerald-700">On.</span> Signing in asks for a code from your authenticator
          app. {recoveryCodesLeft} of 10 recovery codes left.
        </p>
        <RegenerateForm onCodes={setRecoveryCodes} />
        <TurnOffForm />
      </div>
    );
  }
  if (setup) {
    return (
      <SetupForm
        setup={setup}
        onCancel={() => setSetup(null)}
        onCodes={(codes) => {
          setSetup(null);
          setRecoveryCodes(codes);
        }}
      />
    );
  }
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700" data-testid="two-factor-status">
        <span className="font-medium">Off.</span> Turn it on to ask for a code from an authenticator app (1Password,
        Google Authenticator, Authy…) after your password.
      </p>
      {formError(begin.result, "two-factor-error")}
      <button type="button" className={buttonPrimary} disabled={begin.pending} onClick={() => begin.run({})}>
        {begin.pending ? "Preparing…" : "Set up two-factor authentication"}
      </button>
    </div>
  );
}

function SetupForm({
  setup,
  onCancel,
  onCodes,
}: {
  setup: { secret: string; uri: string; qr: QrPath };
  onCancel: () => void;
  onCodes: (codes: string[]) => void;
}) {
  const [code, setCode] = useState("");
  const confirm = useAction(confirmTwoFactorAction, { onDone: (done) => onCodes(done.recoveryCodes) });
  const errors = fieldErrorsOf(confirm.result);
  return (
    <div className="space-y-5" data-testid="two-factor-setup">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
        <li>Scan the QR code with your authenticator app, or enter the key by hand.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="flex flex-wrap items-start gap-5">
        <svg
          role="img"
          aria-label="QR code of the key, for your authenticator app"
          viewBox={`0 0 ${setup.qr.size} ${setup.qr.size}`}
          shapeRendering="crispEdges"
          className="size-44 shrink-0 rounded-md bg-white ring-1 ring-slate-200"
          data-testid="two-factor-qr"
        >
          <rect width={setup.qr.size} height={setup.qr.size} fill="#ffffff" />
          <path d={setup.qr.path} fill="#000000" />
        </svg>
        <div className="min-w-0 flex-1 space-y-2">
          <p className="text-sm font-medium text-slate-800">Key</p>
          <code className={secretText} data-testid="two-factor-secret">
            {setup.secret.match(/.{1,4}/g)?.join(" ")}
          </code>
          <div className="flex flex-wrap items-center gap-3">
            <CopyButton value={setup.secret} label="Copy the key" testId="two-factor-secret-copy" />
            <a href={setup.uri} className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
              Open in an authenticator app on this device
            </a>
          </div>
          <p className="text-xs text-slate-500">Time-based (TOTP), SHA-1, 6 digits, every 30 seconds.</p>
        </div>
      </div>
      <form onSubmit={confirm.submit({ code })} className="max-w-md space-y-4" noValidate>
        {formError(confirm.result, "two-factor-error")}
        <CodeField
          id="two-factor-confirm-code"
          label="Code from the app"
          inputMode="numeric"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={errors.code}
        />
        <div className="flex flex-wrap gap-3">
          <button type="submit" className={buttonPrimary} disabled={confirm.pending}>
            {confirm.pending ? "Checking…" : "Turn on two-factor authentication"}
          </button>
          <button type="button" className={buttonSecondary} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** The ten recovery codes, shown once: copy them, download them, or write them down. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = `Keyward recovery codes. Each one signs in once, in place of a code from your authenticator app.\n\n${codes.join("\n")}\n`;
  return (
    <div className="space-y-4" data-testid="recovery-codes">
      <p
        role="alert"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/20 ring-inset"
      >
        <strong className="font-semibold">Save these recovery codes now. You will not see them again.</strong> Each one
        signs in once if you lose your authenticator app. Keyward stores only their hashes.
      </p>
      <ul className={`${secretText} grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-2`} aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code} data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <CopyButton value={codes.join("\n")} label="Copy the recovery codes" testId="recovery-codes-copy" />
        <button
          type="button"
          className={buttonSecondary}
          onClick={() => downloadText(text, "keyward-recovery-codes.txt")}
          data-testid="recovery-codes-download"
        >
          Download as text
        </button>
        <button type="button" className={buttonPrimary} onClick={onDone}>
          I have saved them
        </button>
      </div>
    </div>
  );
}

function RegenerateForm({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const [code, setCode] = useState("");
  const regenerate = useAction(regenerateRecoveryCodesAction, {
    onDone: (done) => {
      setCode("");
      onCodes(done.recoveryCodes);
    },
  });
  const errors = fieldErrorsOf(regenerate.result);
  return (
    <form
      onSubmit={regenerate.submit({ code })}
      className="max-w-md space-y-3"
      noValidate
      aria-labelledby="regenerate-heading"
    >
      <h3 id="regenerate-heading" className="text-sm font-semibold text-slate-900">
        New recovery codes
      </h3>
      <p className="text-sm text-slate-600">Ten new codes; the ones you have stop working.</p>
      {formError(regenerate.result, "regenerate-error")}
      <CodeField
        id="two-factor-regenerate-code"
        label="Code from your authenticator app"
        inputMode="numeric"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={errors.code}
      />
      <button type="submit" className={buttonSecondary} disabled={regenerate.pending}>
        {regenerate.pending ? "Generating…" : "Regenerate recovery codes"}
      </button>
    </form>
  );
}

function TurnOffForm() {
  const EMPTY = { currentPassword: "", code: "" };
  const [values, setValues] = useState(EMPTY);
  const turnOff = useAction(turnOffTwoFactorAction, { onDone: () => setValues(EMPTY) });
  const errors = fieldErrorsOf(turnOff.result);
  return (
    <form
      onSubmit={turnOff.submit(values)}
      className="max-w-md space-y-3"
      noValidate
      aria-labelledby="turn-off-heading"
    >
      <h3 id="turn-off-heading" className="text-sm font-semibold text-slate-900">
        Turn off
      </h3>
      <p className="text-sm text-slate-600">Your password alone will sign in again.</p>
      {formError(turnOff.result, "turn-off-error")}
      <TextField
        id="two-factor-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={values.currentPassword}
        onChange={(e) => setValues((v) => ({ ...v, currentPassword: e.target.value }))}
        error={errors.currentPassword}
      />
      <CodeField
        id="two-factor-off-code"
        label="Authentication code"
        hint="From your authenticator app, or a recovery code."
        value={values.code}
        onChange={(e) => setValues((v) => ({ ...v, code: e.target.value }))}
        error={errors.code}
      />
      <button type="submit" className={buttonDanger} disabled={turnOff.pending}>
        {turnOff.pending ? "Turning off…" : "Turn off two-factor authentication"}
      </button>
    </form>
  );
}
