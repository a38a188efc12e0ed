"use client";

import { type ReactNode, useState } from "react";
import { Dialog } from "@/components/dialog";
import { buttonSecondary } from "@/components/styles";
import { KeyChangeDialogs } from "../key-dialogs";
import type { EditKeyValues } from "../key-form";
import { EditKeyForm } from "./edit-key-form";

/** Edit, rotate and revoke for one key. Rendered only for roles that may change keys; the actions check again. */
export function KeyActions({
  keyId,
  keyName,
  changeable,
  edit,
  curl,
}: {
  keyId: string;
  keyName: string;
  /** False once the key is revoked or expired: rotate and revoke go (rotating refreshes nothing, so a secret being shown stays). */
  changeable: boolean;
  /** The edit form's values, or null once the key is revoked (core refuses to change it). */
  edit: EditKeyValues | null;
  curl: ReactNode;
}) {
  const [dialog, setDialog] = useState<"edit" | "rotate" | "revoke" | null>(null);
  if (!changeable && !edit) return null;
  return (
    <div className="flex flex-wrap gap-2">
      {edit ? (
        <button type="button" className={buttonSecondary} onClick={() => setDialog("edit")} data-testid="edit-open">
          Edit
        </button>
      ) : null}
      {changeable ? (
        <>
          <button
            type="button"
            className={buttonSecondary}
            onClick={() => setDialog("rotate")}
            data-testid="rotate-open"
          >
            Rotate
          </button>
          <button
            type="button"
            className={`${buttonSecondary} text-red-700`}
            onClick={() => setDialog("revoke")}
            data-testid="revoke-open"
          >
            Revoke
          </button>
        </>
      ) : null}
      {edit ? (
        <Dialog
          open={dialog === "edit"}
          onClose={() => setDialog(null)}
          title={`Edit “${keyName}”`}
          description="Changes apply at once, on every API replica. The secret stays the same."
          testId="edit-dialog"
          wide
        >
          <EditKeyForm keyId={keyId} initial={edit} onCancel={() => setDialog(null)} />
        </Dialog>
      ) : null}
      {changeable ? (
        <KeyChangeDialogs
          keyId={keyId}
          keyName={keyName}
          curl={curl}
          after="key"
          open={dialog}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}
