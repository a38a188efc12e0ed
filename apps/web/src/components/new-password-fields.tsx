import { TextField } from "@/components/field";
import type { FieldErrors } from "@/server/form-errors";

export interface NewPasswordValues {
  newPassword: string;
  confirmPassword: string;
}

/** A new password typed twice, as changing a password and resetting a forgotten one both ask it. */
export function NewPasswordFields({
  values,
  errors,
  onChange,
}: {
  values: NewPasswordValues;
  errors: FieldErrors;
  onChange: (name: keyof NewPasswordValues, value: string) => void;
}) {
  return (
    <>
      <TextField
        id="new-password"
        label="New password"
        hint="At least 12 characters."
        error={errors.newPassword}
        type="password"
        autoComplete="new-password"
        value={values.newPassword}
        onChange={(e) => onChange("newPassword", e.target.value)}
      />
      <TextField
        id="confirm-password"
        label="New password, again"
        error={errors.confirmPassword}
        type="password"
        autoComplete="new-password"
        value={values.confirmPassword}
        onChange={(e) => onChange("confirmPassword", e.target.value)}
      />
    </>
  );
}
