import type { InputHTMLAttributes, ReactNode } from "react";
import { fieldError, hint as hintStyle, input, label as labelStyle } from "@/components/styles";

/** The attributes that name a control and tie it to its error and hint. */
export interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/**
 * Marks a control invalid and described by the error shown for `id` (a FieldError's), and by its
 * hint when it has one. For controls whose error is shown for their group, e.g. a fieldset's.
 */
export function describedBy(
  id: string,
  { error, hint = false }: { error?: string; hint?: boolean },
): Omit<ControlProps, "id"> {
  const ids = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return { "aria-invalid": error ? true : undefined, "aria-describedby": ids || undefined };
}

/** An error message under a control or a group of controls, with the id `describedBy` points to. */
export function FieldError({ id, error, testId }: { id: string; error?: string; testId?: string }) {
  return error ? (
    <p id={`${id}-error`} className={fieldError} data-testid={testId}>
      {error}
    </p>
  ) : null;
}

/** A refusal of the whole form, above or below its fields. */
export function FormError({ error, testId }: { error: string; testId?: string }) {
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid={testId}>
      {error}
    </p>
  );
}

/**
 * One form control with its label, error and hint: the label names the control, and the control is
 * described by its error (when there is one) and its hint. The control is the caller's (an input, a
 * select, a textarea, or a row with a button), rendered by `children` with the props to spread on it.
 */
export function Field({
  id,
  label,
  hideLabel = false,
  hint,
  error,
  errorTestId,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  /** For a control whose purpose the layout shows: the label is read out but not displayed. */
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: string;
  errorTestId?: string;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? "sr-only" : labelStyle}>
        {label}
      </label>
      {children({ id, ...describedBy(id, { error, hint: Boolean(hint) }) })}
      <FieldError id={id} error={error} testId={errorTestId} />
      {hint ? (
        <p id={`${id}-hint`} className={hintStyle}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The common Field: one input (text, email, password…) with the console's look; the props Field
 * does not take go to the input (`inputClassName` is added to its class).
 */
export function TextField({
  id,
  label,
  hideLabel = false,
  hint,
  error,
  errorTestId,
  className,
  inputClassName,
  ...inputProps
}: Omit<Parameters<typeof Field>[0], "children"> &
  Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className" | "children"> & { inputClassName?: string }) {
  return (
    <Field
      id={id}
      label={label}
      hideLabel={hideLabel}
      hint={hint}
      error={error}
      errorTestId={errorTestId}
      className={className}
    >
      {(control) => (
        <input
          {...inputProps}
          {...control}
          className={[input, hideLabel ? null : "mt-1.5", inputClassName].filter(Boolean).join(" ")}
        />
      )}
    </Field>
  );
}
