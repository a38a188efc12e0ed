import { TextField } from "@/components/field";
import { buttonPrimary } from "@/components/styles";
import type { FieldErrors } from "@/server/form-errors";

/** The three fields that make a company and its owner: the company's name, then the owner's email and password. */
export type CompanyOwnerValues<C extends string> = Record<C | "email" | "password", string>;

/**
 * The company-and-owner fields of the first-run setup and of sign-up, and their submit button: one
 * look for both. The company
 * field's name is the caller's (`company` in setup, `companyName` in sign-up): each form posts its
 * own action's input. Each error carries the test id `error-<field>`.
 */
export function CompanyOwnerFields<C extends string>({
  companyField,
  values,
  errors,
  onChange,
  passwordHint,
  pending,
}: {
  companyField: C;
  values: CompanyOwnerValues<C>;
  errors: FieldErrors;
  onChange: (name: C | "email" | "password", value: string) => void;
  passwordHint: string;
  /** The form's action is running: the button says so and waits. */
  pending: boolean;
}) {
  const field = (name: C | "email" | "password") => ({
    id: name,
    name,
    value: values[name],
    error: errors[name],
    errorTestId: `error-${name}`,
    onChange: (e: { target: { value: string } }) => onChange(name, e.target.value),
  });
  return (
    <>
      <TextField label="Company name" {...field(companyField)} autoComplete="organization" />
      <TextField label="Your email" {...field("email")} type="email" autoComplete="username" />
      <TextField
        label="Password"
        hint={passwordHint}
        {...field("password")}
        type="password"
        autoComplete="new-password"
      />
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? "Creating…" : "Create company"}
      </button>
    </>
  );
}
