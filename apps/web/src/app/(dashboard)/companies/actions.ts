"use server";

import {
  createCompany,
  createCompanyInputSchema,
  createStarterKeys,
  deleteCompany,
  getCompany,
  type PublicKey,
  setCompanySuspended,
} from "@keyward/core";
import { z } from "zod";
import { memberAction, refuse } from "@/server/member-action";

// The operator's changes: memberAction refuses anyone not an operator and audits them as the operator.
const byOperator = { allowed: () => true, cannot: "manage companies", operator: true } as const;

const createCompanyFormSchema = z.strictObject({
  name: createCompanyInputSchema.shape.name,
  ownerEmail: createCompanyInputSchema.shape.ownerEmail,
  // Empty means "generate one" (shown once), as the CLI does without --owner-password.
  ownerPassword: z.union([z.literal(""), createCompanyInputSchema.shape.ownerPassword.unwrap()]),
  keyPrefix: createCompanyInputSchema.shape.keyPrefix.unwrap(),
});

export type CreateCompanyForm = z.input<typeof createCompanyFormSchema>;

// The secrets travel in this action's response only, to be held in the client's memory and shown once.
export interface CreatedCompanyResult {
  ok: true;
  company: { id: string; name: string };
  ownerEmail: string;
  /** False when an existing user was made the owner (their password is unchanged). */
  ownerCreated: boolean;
  generatedPassword: string | null;
  adminKey: { key: PublicKey; secret: string };
  readOnlyKey: { key: PublicKey; secret: string };
}

/** A company with its owner and starter keys (an admin key and a read-only key), as `keyward companies create`. */
export const createCompanyAction = memberAction(
  { ...byOperator, input: createCompanyFormSchema },
  async ({ db, input, actor }) => {
    const created = await createCompany(
      db,
      {
        name: input.name,
        ownerEmail: input.ownerEmail,
        ...(input.ownerPassword === "" ? {} : { ownerPassword: input.ownerPassword }),
        keyPrefix: input.keyPrefix,
      },
      actor,
    );
    const keys = await createStarterKeys(db, created.companyId, actor, "dashboard");
    return {
      ok: true,
      company: { id: created.companyId, name: input.name },
      ownerEmail: input.ownerEmail,
      ownerCreated: created.ownerCreated,
      generatedPassword: created.generatedPassword,
      ...keys,
    } satisfies CreatedCompanyResult;
  },
);

/** Suspends (its keys and users refused) or resumes a company; audited in that company's log. */
export const setCompanySuspendedAction = memberAction(
  {
    ...byOperator,
    input: z.strictObject({ companyId: z.uuid(), suspended: z.boolean() }),
    invalid: "Reload the page.",
  },
  async ({ db, input, member, actor }) => {
    // Suspending the company this session is in would end the session mid-page.
    if (input.suspended && input.companyId === member.companyId) {
      return refuse("You are in this company: switch to another one before suspending it.");
    }
    // Key changes are logged by core in the same transaction: every replica drops the keys within a poll.
    await setCompanySuspended(db, input.companyId, input.suspended, actor);
    return { ok: true as const };
  },
);

/**
 * Deletes a company and all it holds, as `keyward companies delete`: the operator typed its name (checked
 * here too, not only in the browser). Core logs every key of the company in the key-change log in the
 * same transaction, so every API and guard replica refuses them within a poll.
 */
export const deleteCompanyAction = memberAction(
  {
    ...byOperator,
    input: z.strictObject({ companyId: z.uuid(), confirmName: z.string().max(200) }),
    invalid: "Reload the page.",
  },
  async ({ db, input, member }) => {
    // Deleting the company this session is in would leave the session nowhere.
    if (input.companyId === member.companyId) {
      return refuse("You are in this company: switch to another one before deleting it.");
    }
    const company = await getCompany(db, input.companyId);
    if (company.name !== input.confirmName) return refuse("Type the company's name exactly as shown to delete it.");
    await deleteCompany(db, company.id);
    return { ok: true as const };
  },
);
