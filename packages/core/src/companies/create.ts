// A new company with its owner (the CLI's `companies create`, `setup`, sign-up and the operator's
// API and dashboard). The owner is a new user, or an existing one given an owner membership: a user
// may belong to several companies. Company names need not be unique; the key prefix is per company.
import { randomBytes } from "node:crypto";
import { hashPassword, isValidPrefix, KeywardError, type PasswordHashing, SCOPE_PRESETS } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { type Actor, appendAuditEvent, type Tx } from "../audit/append";
import { text } from "../bounded-input";
import { createKey } from "../keys/create";
import type { PublicKey } from "../keys/public-key";

export const emailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

export const passwordSchema = z.string().min(12, "Use at least 12 characters").max(200);

export const createCompanyInputSchema = z.strictObject({
  name: text(120).trim().min(1, "Enter a name"),
  ownerEmail: emailSchema,
  /**
   * Only for an owner who is not a user yet; without it one is generated and returned once (unless
   * the caller requires one: `ownerPassword: "required"`).
   */
  ownerPassword: passwordSchema.optional(),
  keyPrefix: z.string().refine(isValidPrefix, "2–10 characters, a–z and 0–9").default("kw"),
});

export type CreateCompanyInput = z.input<typeof createCompanyInputSchema>;

export interface CreateCompanyOptions {
  hashing?: PasswordHashing;
  /**
   * `required`: a new owner must come with a password (400 otherwise). For callers that cannot show a
   * generated one to the person it is for (the API: its caller is a service, not the owner).
   */
  ownerPassword?: "generated" | "required";
}

export interface CreatedCompany {
  companyId: string;
  ownerId: string;
  /** The owner was created by this call (else an existing user was made owner). */
  ownerCreated: boolean;
  /** A password generated for a new owner, to show once; null when one was given or the owner existed. */
  generatedPassword: string | null;
}

/** A new owner's password, hashed before any transaction (scrypt must not hold one open). */
export interface PreparedOwner {
  /** null: no password was given and none may be generated (`ownerPassword: "required"`). */
  passwordHash: string | null;
  generatedPassword: string | null;
}

/** For callers whose owner exists already (created in the same transaction): no password is needed. */
export const EXISTING_OWNER: PreparedOwner = { passwordHash: null, generatedPassword: null };

export async function prepareOwner(
  input: z.output<typeof createCompanyInputSchema>,
  opts: CreateCompanyOptions = {},
): Promise<PreparedOwner> {
  const generatedPassword =
    input.ownerPassword === undefined && opts.ownerPassword !== "required"
      ? randomBytes(18).toString("base64url")
      : null;
  const password = input.ownerPassword ?? generatedPassword;
  return {
    passwordHash: password === null ? null : await hashPassword(password, opts.hashing),
    generatedPassword,
  };
}

/**
 * Creates the company and its owner inside `tx` and records `company.created`. A password given for
 * an existing user is ignored: their own stays (nobody resets a password by naming its email).
 */
export async function createCompanyIn(
  tx: Tx,
  input: z.output<typeof createCompanyInputSchema>,
  actor: Actor,
  prepared: PreparedOwner,
): Promise<CreatedCompany> {
  const company = await tx.company.create({ data: { name: input.name, keyPrefix: input.keyPrefix } });
  let owner = await tx.user.findUnique({ where: { email: input.ownerEmail } });
  const ownerCreated = owner === null;
  if (owner === null) {
    if (prepared.passwordHash === null) {
      const message = `${input.ownerEmail} is not a user yet: give ownerPassword for the new owner`;
      throw new KeywardError("VALIDATION_FAILED", message, {
        issues: [{ path: ["ownerPassword"], message, code: "custom" }],
      });
    }
    owner = await tx.user.create({ data: { email: input.ownerEmail, passwordHash: prepared.passwordHash } });
  }
  await tx.membership.create({ data: { companyId: company.id, userId: owner.id, role: "owner" } });
  await appendAuditEvent(tx, {
    companyId: company.id,
    actor,
    action: "company.created",
    targetType: "company",
    targetId: company.id,
    metadata: { name: company.name, owner: owner.email },
  });
  return {
    companyId: company.id,
    ownerId: owner.id,
    ownerCreated,
    generatedPassword: ownerCreated ? prepared.generatedPassword : null,
  };
}

export async function createCompany(
  db: Db,
  raw: CreateCompanyInput,
  actor: Actor,
  opts: CreateCompanyOptions = {},
): Promise<CreatedCompany> {
  const input = createCompanyInputSchema.parse(raw);
  const prepared = await prepareOwner(input, opts);
  return db.$transaction((tx) => createCompanyIn(tx, input, actor, prepared));
}

export interface StarterKeys {
  adminKey: { key: PublicKey; secret: string };
  readOnlyKey: { key: PublicKey; secret: string };
}

/**
 * The two keys a new company starts with when created by host access (setup, the CLI) or by an
 * operator in the dashboard: an admin key (`*`, live) and a read-only key (`*:read`, test). The API
 * does not mint them: an operator key may not create credentials beyond its own scopes.
 */
export async function createStarterKeys(
  db: Db,
  companyId: string,
  actor: Actor,
  /** Named in the keys' names ("Admin key (setup)"), so the dashboard shows where they came from. */
  origin: string,
): Promise<StarterKeys> {
  const adminKey = await createKey(
    db,
    companyId,
    { name: `Admin key (${origin})`, scopes: [...SCOPE_PRESETS.admin], environment: "live" },
    actor,
  );
  const readOnlyKey = await createKey(
    db,
    companyId,
    { name: `Read-only key (${origin})`, scopes: [...SCOPE_PRESETS["read-only"]], environment: "test" },
    actor,
  );
  return { adminKey, readOnlyKey };
}
