// Invites (the README's dashboard): an owner invites an email with a role; the link carries the only copy of the
// token, and accepting it creates the account and its membership, or, for an email that already
// has an account (a user of another company), adds the membership once they give their password. Each change writes its audit
// event in the same transaction.
import { createHash, randomBytes } from "node:crypto";
import { hashPassword, KeywardError, verifyPassword } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { type Actor, appendAuditEvent } from "../audit/append";
import { type Role, roleSchema } from "./roles";

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export const inviteInputSchema = z.strictObject({
  email: z
    .email("Enter an email address")
    .max(254)
    .transform((e) => e.toLowerCase()),
  role: roleSchema,
});

export const acceptInviteInputSchema = z.strictObject({
  token: z.string().min(20).max(200),
  password: z.string().min(12, "Use at least 12 characters").max(200),
});

export type InviteInput = z.input<typeof inviteInputSchema>;

/** A pending invite as the dashboard shows it; its token is never shown again. */
export const publicInviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  expiresAt: z.string(),
  createdAt: z.string(),
});

export type PublicInvite = z.output<typeof publicInviteSchema>;

/** The invite token travels only in the link; the database keeps its SHA-256. */
export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Invites not yet accepted nor expired, newest first. */
export async function listPendingInvites(db: Db, companyId: string, now = new Date()): Promise<PublicInvite[]> {
  const rows = await db.invite.findMany({
    where: { companyId, acceptedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    expiresAt: i.expiresAt.toISOString(),
    createdAt: i.createdAt.toISOString(),
  }));
}

/**
 * Invites `email` with `role`; returns the token for the invite link, shown to the inviter once.
 * A pending invite for the same email is replaced, so only the newest link works.
 */
export async function createInvite(
  db: Db,
  companyId: string,
  raw: InviteInput,
  actor: Actor,
  now = new Date(),
): Promise<{ invite: PublicInvite; token: string }> {
  const input = inviteInputSchema.parse(raw);
  const token = randomBytes(32).toString("base64url");
  return db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { companyId, user: { email: input.email } } });
    if (member) throw new KeywardError("CONFLICT", `${input.email} is already a member`);
    await tx.invite.deleteMany({ where: { companyId, email: input.email, acceptedAt: null } });
    const row = await tx.invite.create({
      data: {
        companyId,
        email: input.email,
        role: input.role,
        tokenHash: hashInviteToken(token),
        invitedById: actor.type === "user" ? actor.id : null,
        expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
      },
    });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "member.invited",
      targetType: "invite",
      targetId: row.id,
      metadata: { email: row.email, role: row.role },
    });
    const invite = {
      id: row.id,
      email: row.email,
      role: row.role,
      expiresAt: row.expiresAt.toISOString(),
      createdAt: row.createdAt.toISOString(),
    };
    return { invite, token };
  });
}

/** Withdraws a pending invite; its link stops working. */
export async function revokeInvite(db: Db, companyId: string, inviteId: string, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.invite.findFirst({ where: { id: inviteId, companyId, acceptedAt: null } });
    if (!row) throw new KeywardError("NOT_FOUND", "Invite not found");
    await tx.invite.delete({ where: { id: row.id } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "member.invite_revoked",
      targetType: "invite",
      targetId: row.id,
      metadata: { email: row.email },
    });
  });
}

/** The invite a link points at, if it can still be accepted; null for unknown, used or expired tokens alike. */
export async function findOpenInvite(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ email: string; role: Role; companyName: string; existingAccount: boolean } | null> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return null;
  const row = await db.invite.findUnique({
    where: { tokenHash: hashInviteToken(token) },
    include: { company: { select: { name: true } } },
  });
  if (!row || row.acceptedAt || row.expiresAt <= now) return null;
  const existingAccount = (await db.user.count({ where: { email: row.email } })) > 0;
  return { email: row.email, role: row.role, companyName: row.company.name, existingAccount };
}

/**
 * Accepts an invite: creates the user with `password` and their membership, and marks the invite
 * used. For an email that already has an account, `password` must be that account's: an invite link
 * never sets the password of an existing account, and holding the link alone does not make its
 * holder that user. (Guessing it is bounded by scrypt's cost and needs the link, which went to the
 * account's own email.)
 */
export async function acceptInvite(
  db: Db,
  raw: z.input<typeof acceptInviteInputSchema>,
  now = new Date(),
): Promise<{ userId: string; companyId: string; email: string; role: Role }> {
  const input = acceptInviteInputSchema.parse(raw);
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const found = await tx.invite.findUnique({ where: { tokenHash: hashInviteToken(input.token) } });
    if (!found) throw new KeywardError("NOT_FOUND", "This invite link is not valid");
    // Locks the invite so two submissions of one link cannot both create a member.
    await tx.$queryRaw`SELECT id FROM invites WHERE id = ${found.id}::uuid FOR UPDATE`;
    const invite = await tx.invite.findUniqueOrThrow({ where: { id: found.id } });
    if (invite.acceptedAt) throw new KeywardError("CONFLICT", "This invite has already been used");
    if (invite.expiresAt <= now) throw new KeywardError("NOT_FOUND", "This invite has expired");
    const existing = await tx.user.findUnique({ where: { email: invite.email } });
    if (existing && !(await verifyPassword(input.password, existing.passwordHash))) {
      throw new KeywardError(
        "UNAUTHORIZED",
        "This email already has a Keyward account: enter that account's password to join",
      );
    }
    if (existing && (await tx.membership.count({ where: { companyId: invite.companyId, userId: existing.id } }))) {
      throw new KeywardError("CONFLICT", `${invite.email} is already a member`);
    }
    const user = existing ?? (await tx.user.create({ data: { email: invite.email, passwordHash } }));
    await tx.membership.create({ data: { companyId: invite.companyId, userId: user.id, role: invite.role } });
    await tx.invite.update({ where: { id: invite.id }, data: { acceptedAt: now } });
    await appendAuditEvent(tx, {
      companyId: invite.companyId,
      actor: { type: "user", id: user.id },
      action: "member.joined",
      targetType: "user",
      targetId: user.id,
      metadata: { email: user.email, role: invite.role, inviteId: invite.id },
    });
    return { userId: user.id, companyId: invite.companyId, email: user.email, role: invite.role };
  });
}
