// Self-service sign-up (KEYWARD_SIGNUP=open): a new company and its owner, for the dashboard's
// /signup and the API's POST /v1/auth/signup alike. Throttled by PasswordLogins.signUp.
import { hashPassword, PASSWORD_HASHING, type PasswordHashing, verifyPassword } from "@keyward/auth-core";
import { type Db, Prisma } from "@keyward/db";
import { z } from "zod";
import {
  createCompanyIn,
  createCompanyInputSchema,
  EXISTING_OWNER,
  emailSchema,
  passwordSchema,
} from "../companies/create";
import type { SessionUser } from "../companies/setup";

export const signUpInputSchema = z.strictObject({
  companyName: createCompanyInputSchema.shape.name,
  email: emailSchema,
  password: passwordSchema,
});

export type SignUpInput = z.input<typeof signUpInputSchema>;

/**
 * `refused`: the email has an account and this is not its password. One answer whatever else was
 * wrong, so callers say one thing; that a new email would have succeeded cannot be hidden without
 * email verification, which is why sign-ups are counted like failed logins.
 */
export type SignUpCheck = { ok: true; user: SessionUser } | { ok: false; reason: "refused" };

const REFUSED: SignUpCheck = { ok: false, reason: "refused" };

/**
 * Creates a company owned by `email`, audited with the system as actor. A new email becomes a user
 * with this password; an existing account becomes the owner only when the password is its own:
 * nobody gets a company in someone else's account by naming their email.
 */
export async function signUp(db: Db, raw: SignUpInput, opts: { hashing?: PasswordHashing } = {}): Promise<SignUpCheck> {
  const input = signUpInputSchema.parse(raw);
  const hashing = opts.hashing ?? PASSWORD_HASHING;
  const existing = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, passwordHash: true },
  });
  if (existing && !(await verifyPassword(input.password, existing.passwordHash))) return REFUSED;
  const passwordHash = existing ? null : await hashPassword(input.password, hashing);
  try {
    return await db.$transaction(async (tx) => {
      if (existing) {
        // The password was checked outside the transaction: refuse if it was changed meanwhile.
        const now = await tx.user.findUnique({
          where: { email: input.email },
          select: { id: true, passwordHash: true },
        });
        if (now?.id !== existing.id || now.passwordHash !== existing.passwordHash) throw new SignUpRaced();
      } else {
        // Created here, not by createCompanyIn: an account made meanwhile for this email is a unique
        // violation, never an existing user quietly given this company.
        await tx.user.create({ data: { email: input.email, passwordHash: passwordHash as string } });
      }
      const created = await createCompanyIn(
        tx,
        { name: input.companyName, ownerEmail: input.email, keyPrefix: "kw" },
        { type: "system" },
        EXISTING_OWNER,
      );
      return {
        ok: true as const,
        user: { id: created.ownerId, email: input.email, companyId: created.companyId, role: "owner" as const },
      };
    });
  } catch (error) {
    const taken = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
    if (error instanceof SignUpRaced || taken) return REFUSED;
    throw error;
  }
}

class SignUpRaced extends Error {}
