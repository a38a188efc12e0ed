"use client";

import type { Role } from "@keyward/core";
import { useId, useState } from "react";
import { ActionButton } from "@/components/action-button";
import { ConfirmButton } from "@/components/confirm-button";
import { CopyButton } from "@/components/copy-button";
import { Field, FormError } from "@/components/field";
import { ROLE_LABEL } from "@/components/labels";
import { buttonPrimary, buttonSecondary, input, inputBase } from "@/components/styles";
import { useAction } from "@/components/use-action";
import { changeRoleAction, inviteMemberAction, removeMemberAction, revokeInviteAction } from "./actions";

const ROLE_HINT: Record<Role, string> = {
  viewer: "Sees everything, changes nothing",
  admin: "Manages keys and settings",
  owner: "Everything, including members",
};

/** Least powerful first, as ROLE_HINT lists them: the invite form starts on the first. */
const ROLES = (Object.keys(ROLE_HINT) as Role[]).map((value) => ({
  value,
  label: ROLE_LABEL[value],
  hint: ROLE_HINT[value],
}));

export function InviteForm() {
  const id = useId();
  const [values, setValues] = useState({ email: "", role: "viewer" });
  const { result, pending, submit } = useAction(inviteMemberAction, {
    onDone: () => setValues((v) => ({ email: "", role: v.role })),
  });

  const errors = result && !result.ok ? result.fieldErrors : {};
  return (
    <div className="space-y-4">
      <form onSubmit={submit(values)} noValidate className="flex flex-wrap items-start gap-3" data-testid="invite-form">
        <Field
          id={`${id}-email`}
          label="Email"
          error={errors.email}
          errorTestId="error-email"
          className="min-w-56 flex-1"
        >
          {(control) => (
            <input
              {...control}
              type="email"
              value={values.email}
              onChange={(e) => setValues({ ...values, email: e.target.value })}
              placeholder="grace@example.com"
              className={`${input} mt-1.5`}
            />
          )}
        </Field>
        <Field id={`${id}-role`} label="Role">
          {(control) => (
            <select
              {...control}
              value={values.role}
              onChange={(e) => setValues({ ...values, role: e.target.value })}
              className={`${inputBase} mt-1.5 pr-8`}
            >
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}: {r.hint}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="pt-7">
          <button type="submit" disabled={pending} className={buttonPrimary} data-testid="invite-submit">
            {pending ? "Inviting…" : "Invite"}
          </button>
        </div>
      </form>
      {result && !result.ok && Object.keys(result.fieldErrors).length === 0 ? (
        <FormError error={result.error} testId="form-error" />
      ) : null}
      {result?.ok ? (
        <div
          className="space-y-2 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-600/20 ring-inset"
          data-testid="invite-created"
        >
          <p className="text-sm text-emerald-900">
            Invite for <strong>{result.email}</strong> created.{" "}
            {result.emailed ? (
              <span data-testid="invite-emailed">We emailed them this link; </span>
            ) : (
              "Send them this link; "
            )}
            it works once, for 7 days, and is not shown again.
          </p>
          <div className="flex items-center gap-2">
            <Field id={`${id}-link`} label="Invite link" hideLabel className="min-w-0 flex-1">
              {(control) => (
                <input
                  {...control}
                  readOnly
                  value={result.inviteUrl}
                  onFocus={(e) => e.currentTarget.select()}
                  className={`${input} font-mono text-xs`}
                  data-testid="invite-link"
                />
              )}
            </Field>
            <CopyButton value={result.inviteUrl} label="Copy the invite link" testId="copy-invite-link" />
          </div>
        </div>
      ) : null}
    </div>
  );
}

export function RoleForm({ userId, email, role }: { userId: string; email: string; role: Role }) {
  const id = useId();
  const [value, setValue] = useState(role);
  const { result, pending, submit } = useAction(changeRoleAction);

  return (
    <form
      onSubmit={submit({ userId, role: value })}
      className="flex flex-wrap items-center gap-2"
      data-testid="role-form"
    >
      <Field id={`${id}-role`} label={`Role of ${email}`} hideLabel>
        {(control) => (
          <select
            {...control}
            value={value}
            onChange={(e) => setValue(e.target.value as Role)}
            className={`${inputBase} py-1.5 pr-8`}
          >
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" disabled={pending || value === role} className={`${buttonSecondary} py-1.5`}>
        {pending ? "Saving…" : "Save role"}
      </button>
      {result && !result.ok ? (
        <p role="alert" className="w-full text-xs font-medium text-red-600" data-testid="role-error">
          {result.error}
        </p>
      ) : null}
    </form>
  );
}

export function RemoveMemberButton({ userId, email }: { userId: string; email: string }) {
  return (
    <ConfirmButton
      change={() => removeMemberAction({ userId })}
      label="Remove"
      srDetail={email}
      title={`Remove ${email}?`}
      description="They lose access to this company at once. Their past actions stay in the audit log."
      confirmLabel="Remove member"
      pendingLabel="Removing…"
    />
  );
}

export function RevokeInviteButton({ inviteId, email }: { inviteId: string; email: string }) {
  return (
    <ActionButton
      change={() => revokeInviteAction({ inviteId })}
      label="Withdraw"
      pendingLabel="Withdrawing…"
      srDetail={`the invite for ${email}`}
      className="rounded-md px-2 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100"
    />
  );
}
