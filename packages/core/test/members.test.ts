// Members: an invite link works once, stores only the token's hash, and a company never loses its last owner.
import { hashPassword, verifyPassword } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { useTestDatabase } from "@keyward/db/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvite,
  changeMemberRole,
  createInvite,
  findOpenInvite,
  hashInviteToken,
  listMembers,
  listPendingInvites,
  removeMember,
  revokeInvite,
  verifyAuditChain,
} from "../src";

let db: Db;
const fixture = useTestDatabase();
beforeAll(() => {
  db = fixture.db;
});

let n = 0;
/** A company with one owner; returns their ids and an actor for them. */
const OWNER_PASSWORD = "the owner's own password";

async function companyWithOwner() {
  n += 1;
  const company = await db.company.create({ data: { name: `Acme ${n}` } });
  const user = await db.user.create({
    data: { email: `owner${n}@acme.test`, passwordHash: await hashPassword(OWNER_PASSWORD, { N: 1024, r: 8, p: 1 }) },
  });
  await db.membership.create({ data: { companyId: company.id, userId: user.id, role: "owner" } });
  return { companyId: company.id, ownerId: user.id, actor: { type: "user" as const, id: user.id } };
}

const actions = async (companyId: string) =>
  (await db.auditEvent.findMany({ where: { companyId }, orderBy: { seq: "asc" } })).map((e) => e.action);

describe("invites", () => {
  it("stores only the SHA-256 of the token, and the link creates the member with the chosen password", async () => {
    const { companyId, actor } = await companyWithOwner();
    const { invite, token } = await createInvite(db, companyId, { email: "New@Acme.test", role: "admin" }, actor);
    expect(invite.email).toBe("new@acme.test");
    const row = await db.invite.findUniqueOrThrow({ where: { id: invite.id } });
    expect(row.tokenHash).toBe(hashInviteToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await findOpenInvite(db, token)).toEqual({
      email: "new@acme.test",
      role: "admin",
      companyName: `Acme ${n}`,
      existingAccount: false,
    });
    expect(await listPendingInvites(db, companyId)).toHaveLength(1);

    const joined = await acceptInvite(db, { token, password: "a long enough password" });
    expect(joined).toMatchObject({ companyId, email: "new@acme.test", role: "admin" });
    const user = await db.user.findUniqueOrThrow({ where: { id: joined.userId } });
    expect(await verifyPassword("a long enough password", user.passwordHash)).toBe(true);
    expect((await listMembers(db, companyId)).map((m) => [m.email, m.role])).toContainEqual(["new@acme.test", "admin"]);
    expect(await listPendingInvites(db, companyId)).toEqual([]);
    expect(await actions(companyId)).toEqual(["member.invited", "member.joined"]);
    expect(await verifyAuditChain(db, companyId)).toBeNull();
  });

  it("a link works once, and not after it expired or was withdrawn", async () => {
    const { companyId, actor } = await companyWithOwner();
    const { token } = await createInvite(db, companyId, { email: `once${n}@acme.test`, role: "viewer" }, actor);
    await acceptInvite(db, { token, password: "a long enough password" });
    await expect(acceptInvite(db, { token, password: "a long enough password" })).rejects.toThrow(/already been used/);
    expect(await findOpenInvite(db, token)).toBeNull();

    const old = await createInvite(
      db,
      companyId,
      { email: `late${n}@acme.test`, role: "viewer" },
      actor,
      new Date(Date.now() - 8 * 86_400_000),
    );
    expect(await findOpenInvite(db, old.token)).toBeNull();
    await expect(acceptInvite(db, { token: old.token, password: "a long enough password" })).rejects.toThrow(/expired/);

    const withdrawn = await createInvite(db, companyId, { email: `gone${n}@acme.test`, role: "viewer" }, actor);
    await revokeInvite(db, companyId, withdrawn.invite.id, actor);
    await expect(acceptInvite(db, { token: withdrawn.token, password: "a long enough password" })).rejects.toThrow(
      /not valid/,
    );
    expect(await findOpenInvite(db, "not-a-real-token-at-all-000000")).toBeNull();
  });

  it("refuses inviting a member; an existing account joins only with its own password", async () => {
    const { companyId, actor } = await companyWithOwner();
    await expect(createInvite(db, companyId, { email: `owner${n}@acme.test`, role: "admin" }, actor)).rejects.toThrow(
      /already a member/,
    );
    const other = await companyWithOwner();
    const { token } = await createInvite(db, companyId, { email: `owner${n}@acme.test`, role: "admin" }, actor);
    expect(await findOpenInvite(db, token)).toMatchObject({ existingAccount: true });
    const hashBefore = (await db.user.findUniqueOrThrow({ where: { id: other.ownerId } })).passwordHash;
    await expect(acceptInvite(db, { token, password: "a long enough password" })).rejects.toThrow(
      /already has a Keyward account/,
    );
    expect(await db.membership.count({ where: { companyId, userId: other.ownerId } })).toBe(0);

    const joined = await acceptInvite(db, { token, password: OWNER_PASSWORD });
    expect(joined).toMatchObject({ userId: other.ownerId, companyId, role: "admin" });
    expect(await db.membership.count({ where: { userId: other.ownerId } })).toBe(2);
    expect((await db.user.findUniqueOrThrow({ where: { id: other.ownerId } })).passwordHash).toBe(hashBefore);
    await expect(acceptInvite(db, { token, password: OWNER_PASSWORD })).rejects.toThrow(/already been used/);
  });

  it("rejects a short password and a malformed email", async () => {
    const { companyId, actor } = await companyWithOwner();
    await expect(createInvite(db, companyId, { email: "nope", role: "admin" }, actor)).rejects.toThrow(/email/);
    const { token } = await createInvite(db, companyId, { email: `short${n}@acme.test`, role: "admin" }, actor);
    await expect(acceptInvite(db, { token, password: "short" })).rejects.toThrow(/12 characters/);
  });
});

describe("roles and removal", () => {
  it("changes a role and removes a member, each with an audit event", async () => {
    const { companyId, actor } = await companyWithOwner();
    const { token } = await createInvite(db, companyId, { email: `role${n}@acme.test`, role: "viewer" }, actor);
    const { userId } = await acceptInvite(db, { token, password: "a long enough password" });
    expect((await changeMemberRole(db, companyId, userId, "admin", actor)).role).toBe("admin");
    await removeMember(db, companyId, userId, actor);
    expect(await db.membership.count({ where: { companyId, userId } })).toBe(0);
    expect(await actions(companyId)).toEqual([
      "member.invited",
      "member.joined",
      "member.role_changed",
      "member.removed",
    ]);
  });

  it("never demotes or removes the last owner, but does once there is a second one", async () => {
    const { companyId, ownerId, actor } = await companyWithOwner();
    await expect(changeMemberRole(db, companyId, ownerId, "admin", actor)).rejects.toThrow(
      /last owner cannot be demoted/,
    );
    await expect(removeMember(db, companyId, ownerId, actor)).rejects.toThrow(/last owner cannot be removed/);

    const { token } = await createInvite(db, companyId, { email: `second${n}@acme.test`, role: "owner" }, actor);
    const second = await acceptInvite(db, { token, password: "a long enough password" });
    await changeMemberRole(db, companyId, ownerId, "viewer", actor);
    await expect(removeMember(db, companyId, second.userId, actor)).rejects.toThrow(/last owner/);
    expect((await listMembers(db, companyId)).filter((m) => m.role === "owner")).toHaveLength(1);
  });

  it("two owners demoting each other at once leave one owner", async () => {
    const { companyId, ownerId, actor } = await companyWithOwner();
    const { token } = await createInvite(db, companyId, { email: `race${n}@acme.test`, role: "owner" }, actor);
    const second = await acceptInvite(db, { token, password: "a long enough password" });
    const results = await Promise.allSettled([
      changeMemberRole(db, companyId, ownerId, "admin", actor),
      changeMemberRole(db, companyId, second.userId, "admin", { type: "user", id: second.userId }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { companyId, role: "owner" } })).toBe(1);
  });

  it("another company's member is not found", async () => {
    const a = await companyWithOwner();
    const b = await companyWithOwner();
    await expect(changeMemberRole(db, a.companyId, b.ownerId, "viewer", a.actor)).rejects.toThrow(/not found/);
    await expect(removeMember(db, a.companyId, b.ownerId, a.actor)).rejects.toThrow(/not found/);
  });
});
