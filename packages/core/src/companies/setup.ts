import { hashPassword, isValidPrefix, type PasswordHashing, SCOPE_PRESETS } from "@keyward/auth-core";
import type { Db, Role } from "@keyward/db";
import { z } from "zod";
import { appendAuditEvent } from "../audit/append";
import { text } from "../bounded-input";
import { createKey } from "../keys/create";
import type { PublicKey } from "../keys/public-key";

export const setupInputSchema = z.strictObject({
  company: text(120).trim().min(1),
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(12, "Use at least 12 characters").max(200),
  keyPrefix: z.string().refine(isValidPrefix, "2–10 characters, a–z and 0–9").default("kw"),
});

export type SetupInput = z.input<typeof setupInputSchema>;

export class CompanyExistsError extends Error {
  constructor() {
    super("A company already exists in this database; setup creates the first one only");
  }
}

export interface SetupResult {
  companyId: string;
  userId: string;
  adminKey: { key: PublicKey; secret: string };
  readOnlyKey: { key: PublicKey; secret: string };
}

/**
 * First-run setup (the README's CLI section): the company, its owner, an admin key (`*`, live) and a read-only key
 * (`*:read`, test). Refuses when any company exists, so it can never overwrite one.
 */
export async function setupFirstCompany(
  db: Db,
  raw: SetupInput,
  opts: { hashing?: PasswordHashing } = {},
): Promise<SetupResult> {
  const input = setupInputSchema.parse(raw);
  const passwordHash = await hashPassword(input.password, opts.hashing);
  const { companyId, userId } = await db.$transaction(async (tx) => {
    // Serialises concurrent setups (CLI and dashboard at once): only the first sees no company.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242001)`;
    if ((await tx.company.count()) > 0) throw new CompanyExistsError();
    const company = await tx.company.create({ data: { name: input.company, keyPrefix: input.keyPrefix } });
    const user = await tx.user.create({ data: { email: input.email, passwordHash } });
    await tx.membership.create({ data: { companyId: company.id, userId: user.id, role: "owner" } });
    await appendAuditEvent(tx, {
      companyId: company.id,
      actor: { type: "system" },
      action: "company.created",
      targetType: "company",
      targetId: company.id,
      metadata: { name: company.name, owner: user.email },
    });
    return { companyId: company.id, userId: user.id };
  });
  const actor = { type: "user", id: userId } as const;
  const adminKey = await createKey(
    db,
    companyId,
    { name: "Admin key (setup)", scopes: [...SCOPE_PRESETS.admin], environment: "live" },
    actor,
  );
  const readOnlyKey = await createKey(
    db,
    companyId,
    { name: "Read-only key (setup)", scopes: [...SCOPE_PRESETS["read-only"]], environment: "test" },
    actor,
  );
  return { companyId, userId, adminKey, readOnlyKey };
}

export async function hasAnyCompany(db: Db): Promise<boolean> {
  return (await db.company.count()) > 0;
}

export interface SessionUser {
  id: string;
  email: string;
  companyId: string;
  role: Role;
}
