"use server";

import { CompanyExistsError, type PublicKey, setupFirstCompany, setupInputSchema } from "@keyward/core";
import { getDb } from "@/server/db";
import { type FieldErrors, fieldErrors } from "@/server/form-errors";

export interface SetupFields {
  company: string;
  email: string;
  password: string;
}

// The secrets travel in this action's response only, to be shown once by the client.
export type SetupResult =
  | { ok: false; error: string | null; fieldErrors: FieldErrors }
  | {
      ok: true;
      email: string;
      adminKey: { key: PublicKey; secret: string };
      readOnlyKey: { key: PublicKey; secret: string };
    };

export async function setupCompany(fields: SetupFields): Promise<SetupResult> {
  const parsed = setupInputSchema.safeParse({
    company: fields.company,
    email: fields.email,
    password: fields.password,
  });
  if (!parsed.success) return { ok: false, error: null, fieldErrors: fieldErrors(parsed.error) };
  try {
    const result = await setupFirstCompany(await getDb(), parsed.data);
    return { ok: true, email: parsed.data.email, adminKey: result.adminKey, readOnlyKey: result.readOnlyKey };
  } catch (error) {
    if (error instanceof CompanyExistsError) {
      return { ok: false, error: "Keyward is already set up. Sign in instead.", fieldErrors: {} };
    }
    throw error;
  }
}
