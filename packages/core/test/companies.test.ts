// Many companies in one installation (docs/companies.md): creating, listing, finding, suspending and
// deleting companies, operators, and operator keys, each against a real database.
import { hashKey, KeywardError } from "@keyward/auth-core";
import { useTestDatabase } from "@keyward/db/vitest";
import { describe, expect, it } from "vitest";
import {
  authenticateUser,
  companiesOf,
  createCompany,
  createKey,
  createOperatorKey,
  createStarterKeys,
  deleteCompany,
  findCompanyByIdOrName,
  findKeyRecordByHash,
  findMembership,
  getCompany,
  listCompanies,
  listOperatorKeys,
  revokeOperatorKey,
  setCompanySuspended,
  setOperator,
} from "../src";

const t = useTestDatabase();
const system = { type: "system" } as const;
const hashing = { N: 1024, r: 8, p: 1 };
const PASSWORD = "correct horse battery";

let n = 0;
const email = () => `owner${++n}@example.test`;

async function company(name: string, ownerEmail = email()) {
  return createCompany(t.db, { name, ownerEmail, ownerPassword: PASSWORD }, system, { hashing });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof KeywardError)) throw new Error(`expected a KeywardError, got ${String(error)}`);
  return error.code;
}

describe("createCompany", () => {
  it("creates the company and a new owner, generating a password only when none was given", async () => {
    const given = await company("Given");
    expect(given).toMatchObject({ ownerCreated: true, generatedPassword: null });

    const ownerEmail = email();
    const generated = await createCompany(t.db, { name: "Generated", ownerEmail }, system, { hashing });
    expect(generated.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const login = await authenticateUser(t.db, ownerEmail, generated.generatedPassword as string, { hashing });
    expect(login).toMatchObject({ ok: true, user: { companyId: generated.companyId, role: "owner" } });

    const events = await t.db.auditEvent.findMany({ where: { companyId: given.companyId } });
    expect(events.map((e) => [e.action, e.actorType])).toEqual([["company.created", "system"]]);
  });

  it("makes an existing user owner of the new company, keeping their password", async () => {
    const ownerEmail = email();
    const first = await company("First", ownerEmail);
    const second = await createCompany(
      t.db,
      { name: "Second", ownerEmail, ownerPassword: "another password 1" },
      system,
      { hashing },
    );
    expect(second).toMatchObject({ ownerId: first.ownerId, ownerCreated: false, generatedPassword: null });
    expect((await companiesOf(t.db, first.ownerId)).map((c) => [c.id, c.role])).toEqual([
      [first.companyId, "owner"],
      [second.companyId, "owner"],
    ]);
    expect(await authenticateUser(t.db, ownerEmail, "another password 1", { hashing })).toEqual({
      ok: false,
      reason: "refused",
    });
  });

  it("refuses a bad name, email or prefix, writing nothing", async () => {
    const before = await t.db.company.count();
    for (const input of [
      { name: "", ownerEmail: email() },
      { name: "a\u0000b", ownerEmail: email() },
      { name: "x".repeat(121), ownerEmail: email() },
      { name: "Ok", ownerEmail: "not an email" },
      { name: "Ok", ownerEmail: email(), keyPrefix: "BAD_" },
    ]) {
      await expect(createCompany(t.db, input, system, { hashing })).rejects.toThrow();
    }
    expect(await t.db.company.count()).toBe(before);
  });
});

describe("finding and listing companies", () => {
  it("lists every company with its active keys, members and status", async () => {
    const made = await company("Listed");
    const { adminKey } = await createStarterKeys(t.db, made.companyId, system, "test");
    expect(adminKey.key.name).toBe("Admin key (test)");
    const listed = (await listCompanies(t.db)).find((c) => c.id === made.companyId);
    expect(listed).toMatchObject({ name: "Listed", status: "active", activeKeys: 2, members: 1, suspendedAt: null });
    expect(await getCompany(t.db, made.companyId)).toEqual(listed);
    expect(await refusal(getCompany(t.db, "not-a-uuid"))).toBe("NOT_FOUND");
  });

  it("finds by id or unique name; refuses an unknown or ambiguous name", async () => {
    const a = await company("Twin");
    const b = await company("Twin");
    const solo = await company("Solo");
    expect(await findCompanyByIdOrName(t.db, a.companyId)).toEqual({ id: a.companyId, name: "Twin" });
    expect(await findCompanyByIdOrName(t.db, "Solo")).toEqual({ id: solo.companyId, name: "Solo" });
    expect(await refusal(findCompanyByIdOrName(t.db, "Nobody"))).toBe("NOT_FOUND");
    const ambiguous = await findCompanyByIdOrName(t.db, "Twin").catch((e: Error) => e.message);
    expect(ambiguous).toContain(a.companyId);
    expect(ambiguous).toContain(b.companyId);
  });
});

describe("suspending, resuming and deleting", () => {
  it("suspension refuses the company's keys and users, is audited, and logs a change of every key", async () => {
    const made = await company("Paused");
    const { secret } = await createKey(
      t.db,
      made.companyId,
      { name: "svc", scopes: ["keys:read"], environment: "live" },
      system,
    );
    const ownerEmail = (await t.db.user.findUniqueOrThrow({ where: { id: made.ownerId } })).email;
    const changesBefore = await t.db.keyChange.count();

    const suspended = await setCompanySuspended(t.db, made.companyId, true, system);
    expect(suspended.changed).toBe(true);
    expect(suspended.keyIds).toHaveLength(1);
    expect(await t.db.keyChange.count()).toBe(changesBefore + 1);
    // Named with its company, so the company's key-change stream (and only it) replays the change.
    expect(await t.db.keyChange.findMany({ where: { keyId: { in: suspended.keyIds } } })).toMatchObject([
      { companyId: made.companyId },
    ]);
    expect((await findKeyRecordByHash(t.db, hashKey(secret)))?.companySuspended).toBe(true);
    expect(await findMembership(t.db, made.ownerId, made.companyId)).toBeNull();
    expect(await authenticateUser(t.db, ownerEmail, PASSWORD, { hashing })).toEqual({ ok: false, reason: "suspended" });
    expect(await setCompanySuspended(t.db, made.companyId, true, system)).toEqual({ keyIds: [], changed: false });

    await setCompanySuspended(t.db, made.companyId, false, system);
    expect(await findMembership(t.db, made.ownerId, made.companyId)).toMatchObject({ role: "owner" });
    const actions = await t.db.auditEvent.findMany({ where: { companyId: made.companyId }, orderBy: { seq: "asc" } });
    expect(actions.map((e) => e.action)).toEqual([
      "company.created",
      "key.created",
      "company.suspended",
      "company.resumed",
    ]);
  });

  it("a user of two companies signs in to the one named, by default the first that is not suspended", async () => {
    const ownerEmail = email();
    const first = await company("One", ownerEmail);
    const second = await company("Two", ownerEmail);
    const signIn = (company?: string) =>
      authenticateUser(t.db, ownerEmail, PASSWORD, { hashing, ...(company ? { company } : {}) });
    expect(await signIn()).toMatchObject({ ok: true, user: { companyId: first.companyId } });
    expect(await signIn("Two")).toMatchObject({ ok: true, user: { companyId: second.companyId } });
    expect(await signIn(second.companyId)).toMatchObject({ ok: true, user: { companyId: second.companyId } });
    expect(await signIn("Three")).toEqual({ ok: false, reason: "refused" });
    await setCompanySuspended(t.db, first.companyId, true, system);
    expect(await signIn()).toMatchObject({ ok: true, user: { companyId: second.companyId } });
    expect(await signIn("One")).toEqual({ ok: false, reason: "suspended" });
  });

  it("deletion removes the company's data and keys; its users keep their other companies", async () => {
    const ownerEmail = email();
    const kept = await company("Kept", ownerEmail);
    const gone = await company("Gone", ownerEmail);
    const { secret } = await createKey(
      t.db,
      gone.companyId,
      { name: "svc", scopes: ["*"], environment: "live" },
      system,
    );
    const deleted = await deleteCompany(t.db, gone.companyId);
    expect(deleted.keyIds).toHaveLength(1);
    expect(await findKeyRecordByHash(t.db, hashKey(secret))).toBeNull();
    expect(await t.db.auditEvent.count({ where: { companyId: gone.companyId } })).toBe(0);
    expect((await companiesOf(t.db, kept.ownerId)).map((c) => c.id)).toEqual([kept.companyId]);
    expect(await refusal(deleteCompany(t.db, gone.companyId))).toBe("NOT_FOUND");
    expect(await refusal(setCompanySuspended(t.db, gone.companyId, true, system))).toBe("NOT_FOUND");
  });
});

describe("operators", () => {
  it("an operator acts as owner in a company they are not a member of; revoking ends it", async () => {
    const theirs = await company("Operator's");
    const other = await company("Customer");
    const operatorEmail = (await t.db.user.findUniqueOrThrow({ where: { id: theirs.ownerId } })).email;
    expect(await findMembership(t.db, theirs.ownerId, other.companyId)).toBeNull();

    expect(await setOperator(t.db, operatorEmail, true)).toBe(true);
    expect(await setOperator(t.db, operatorEmail, true)).toBe(false);
    expect(await findMembership(t.db, theirs.ownerId, other.companyId)).toMatchObject({
      role: "owner",
      viaOperator: true,
    });
    expect(await authenticateUser(t.db, operatorEmail, PASSWORD, { hashing, company: other.companyId })).toMatchObject({
      ok: true,
      user: { companyId: other.companyId, role: "owner", viaOperator: true },
    });

    await setOperator(t.db, operatorEmail, false);
    expect(await findMembership(t.db, theirs.ownerId, other.companyId)).toBeNull();
    expect(await refusal(setOperator(t.db, "nobody@example.test", true))).toBe("NOT_FOUND");
  });

  it("operator keys: only operator scopes, found by hash with no company, revoked by id or start", async () => {
    await expect(createOperatorKey(t.db, { name: "x", scopes: ["*"] as never }, null)).rejects.toThrow(/scopes/);
    await expect(createOperatorKey(t.db, { name: "x", scopes: ["keys:read"] as never }, null)).rejects.toThrow();
    const { key, secret } = await createOperatorKey(
      t.db,
      { name: "backend", scopes: ["companies:read", "keys:verify", "keys:verify"] },
      null,
    );
    expect(secret).toMatch(/^kwop_live_/);
    expect(key).toMatchObject({ name: "backend", scopes: ["companies:read", "keys:verify"], status: "active" });
    expect(await findKeyRecordByHash(t.db, hashKey(secret))).toMatchObject({ id: key.id, companyId: null });
    expect((await listOperatorKeys(t.db)).map((k) => k.id)).toContain(key.id);
    expect(await revokeOperatorKey(t.db, key.start)).toMatchObject({ id: key.id, status: "revoked" });
    expect(await refusal(revokeOperatorKey(t.db, "kwop_live_none"))).toBe("NOT_FOUND");
  });
});
