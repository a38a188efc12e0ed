import { createKey, type SessionUser } from "@keyward/core";
import { useTestDatabase } from "@keyward/db/vitest";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { currentMember, currentUserIsOperator } from "@/server/session";
import { deleteCompanyAction } from "./actions";

// The session and the request are Next's: stand-ins here; the database is a real one.
// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture (its own beforeAll/afterAll), not a React hook.
const t = useTestDatabase();
vi.mock("@/server/session");
vi.mock("@/server/db", () => ({ getDb: async () => t.db }));
vi.mock("@/server/request-context");

let own: string;
let doomed: { id: string; keyId: string };
beforeAll(async () => {
  own = (await t.db.company.create({ data: { name: "Operator's own" } })).id;
  const id = (await t.db.company.create({ data: { name: "Dunder Mifflin" } })).id;
  const { key } = await createKey(
    t.db,
    id,
    { name: "orders", scopes: ["orders:read"], environment: "live" },
    { type: "system" },
  );
  doomed = { id, keyId: key.id };
});

describe("deleteCompanyAction", () => {
  beforeEach(() => {
    vi.mocked(currentMember).mockResolvedValue({
      id: "01900000-0000-7000-8000-000000000001",
      email: "olga@operator.test",
      companyId: own,
      role: "owner",
    } as SessionUser);
    vi.mocked(currentUserIsOperator).mockResolvedValue(true);
  });

  it("refuses anyone not an operator, and deletes nothing", async () => {
    vi.mocked(currentUserIsOperator).mockResolvedValue(false);
    const answer = await deleteCompanyAction({ companyId: doomed.id, confirmName: "Dunder Mifflin" });
    expect(answer).toMatchObject({ ok: false, error: "Only an operator of this Keyward can manage companies." });
    expect(await t.db.company.count({ where: { id: doomed.id } })).toBe(1);
  });

  it("refuses a name not typed exactly, and the company the session is in", async () => {
    expect(await deleteCompanyAction({ companyId: doomed.id, confirmName: "dunder mifflin" })).toMatchObject({
      ok: false,
      error: "Type the company's name exactly as shown to delete it.",
    });
    expect(await deleteCompanyAction({ companyId: own, confirmName: "Operator's own" })).toMatchObject({
      ok: false,
      error: "You are in this company: switch to another one before deleting it.",
    });
    expect(await t.db.company.count({ where: { id: { in: [doomed.id, own] } } })).toBe(2);
  });

  it("deletes the company and logs its keys as changed, for every replica to drop them", async () => {
    expect(await deleteCompanyAction({ companyId: doomed.id, confirmName: "Dunder Mifflin" })).toEqual({ ok: true });
    expect(await t.db.company.count({ where: { id: doomed.id } })).toBe(0);
    expect(await t.db.apiKey.count({ where: { id: doomed.keyId } })).toBe(0);
    expect(await t.db.keyChange.count({ where: { keyId: doomed.keyId } })).toBe(1);
    // A second attempt finds nothing to delete.
    expect(await deleteCompanyAction({ companyId: doomed.id, confirmName: "Dunder Mifflin" })).toMatchObject({
      ok: false,
      error: "Company not found",
    });
  });
});
