import type { PasswordHashing } from "@keyward/auth-core";
import type { Db, Role } from "@keyward/db";
import { z } from "zod";
import {
  createCompanyIn,
  createCompanyInputSchema,
  createStarterKeys,
  emailSchema,
  passwordSchema,
  prepareOwner,
  type StarterKeys,
} from "./create";

export const setupInputSchema = z.strictObject({
  company: createCompanyInputSchema.shape.name,
  email: emailSchema,
  password: passwordSchema,
  keyPrefix: createCompanyInputSchema.shape.keyPrefix,
});

export type SetupInput = z.input<typeof setupInputSchema>;

export class CompanyExistsError extends Error {
  constructor() {
    super("A company already exists in this database; setup creates the first one only");
  }
}

export interface SetupResult extends StarterKeys {
  companyId: string;
  userId: string;
}

/**
 * First-run setup (the README's CLI section): the company, its owner, who becomes the installation's
 * operator, an admin key (`*`, live) and a read-only key (`*:read`, test). Refuses when any company
 * exists, so it can never overwrite one; later companies come from `keyward companies create`.
 */
export async function setupFirstCompany(
  db: Db,
  raw: SetupInput,
  opts: { hashing?: PasswordHashing } = {},
): Promise<SetupResult> {
  const input = setupInputSchema.parse(raw);
  const owner = {
    name: input.company,
    ownerEmail: input.email,
    ownerPassword: input.password,
    keyPrefix: input.keyPrefix,
  };
  const prepared = await prepareOwner(owner, opts);
  const { companyId, ownerId } = await db.$transaction(async (tx) => {
    // Serialises concurrent setups (CLI and dashboard at once): only the first sees no company.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242001)`;
    if ((await tx.company.count()) > 0) throw new CompanyExistsError();
    const created = await createCompanyIn(tx, owner, { type: "system" }, prepared);
    await tx.user.update({ where: { id: created.ownerId }, data: { operator: true } });
    return created;
  });
  const keys = await createStarterKeys(db, companyId, { type: "user", id: ownerId }, "setup");
  return { companyId, userId: ownerId, ...keys };
}

export async function hasAnyCompany(db: Db): Promise<boolean> {
  return (await db.company.count()) > 0;
}

export interface SessionUser {
  id: string;
  email: string;
  companyId: string;
  role: Role;
  /** Acting by operator authority in a company the user is not a member of (audited as the operator). */
  viaOperator?: boolean;
}
