import type { SessionUser } from "@keyward/core";
import { useTestDatabase } from "@keyward/db/vitest";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { currentMember, currentUserIsOperator } from "@/server/session";
import { createOperatorKeyAction, revokeOperatorKeyAction } from "./actions";

// The session and the request are Next's: stand-ins here; the database is a real one.
// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture (its own beforeAll/afterAll), not a React hook.
const t = useTestDatabase();
vi.mock("@/server/session");
vi.mock("@/server/db", () => ({ getDb: async () => t.db }));
vi.mock("@/server/request-context");

let operatorId: string;
beforeAll(async () => {
  const company = await t.db.company.create({ data: { name: "Acme" } });
  operatorId = (await t.db.user.create({ data: { email: "olga@operator.test", passwordHash: "x", operator: true } }))
    .id;
  vi.mocked(currentMember).mockResolvedValue({
    id: operatorId,
    email: "olga@operator.test",
    companyId: company.id,
    role: "admin",
  } as SessionUser);
});

describe("operator key actions", () => {
  beforeEach(() => {
    vi.mocked(currentUserIsOperator).mockResolvedValue(true);
  });

  it("refuse anyone not an operator, whatever their role", async () => {
    vi.mocked(currentUserIsOperator).mockResolvedValue(false);
    expect(await createOperatorKeyAction({ name: "billing", scopes: ["keys:verify"] })).toMatchObject({
      ok: false,
      error: "Only an operator of this Keyward can manage operator keys.",
    });
    expect(await t.db.operatorKey.count()).toBe(0);
  });

  it("refuse a key without a scope, under the scopes", async () => {
    expect(await createOperatorKeyAction({ name: "billing", scopes: [] })).toMatchObject({
      ok: false,
      fieldErrors: { scopes: "Give at least one scope" },
    });
  });

  it("create a key recording its creator, its secret answered once and only hashed; revoke logs the change", async () => {
    const created = await createOperatorKeyAction({ name: "billing", scopes: ["keys:verify", "companies:read"] });
    if (!created.ok) throw new Error(created.error);
    expect(created.secret).toMatch(/^kwop_live_/);
    const row = await t.db.operatorKey.findUniqueOrThrow({ where: { id: created.key.id } });
    expect(row).toMatchObject({ createdByUserId: operatorId, scopes: ["companies:read", "keys:verify"] });
    expect(JSON.stringify(row)).not.toContain(created.secret);

    expect(await revokeOperatorKeyAction({ keyId: created.key.id })).toEqual({ ok: true });
    expect((await t.db.operatorKey.findUniqueOrThrow({ where: { id: created.key.id } })).revokedAt).not.toBeNull();
    expect(await t.db.keyChange.count({ where: { keyId: created.key.id } })).toBe(1);
    expect(await revokeOperatorKeyAction({ keyId: "01900000-0000-7000-8000-00000000dead" })).toMatchObject({
      ok: false,
      error: "Operator key not found",
    });
  });
});
