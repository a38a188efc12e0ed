// Settings: the company's name, key prefix and scope catalogue, each change audited.

import type { Db } from "@keyward/db";
import { useTestDatabase } from "@keyward/db/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addScopeResource,
  changeKeyPrefix,
  createKey,
  getCompanySettings,
  listScopeResourceNames,
  removeScopeResource,
  renameCompany,
  verifyAuditChain,
} from "../src";

let db: Db;
const fixture = useTestDatabase();
beforeAll(() => {
  db = fixture.db;
});

const actor = { type: "user" as const, id: "00000000-0000-7000-8000-000000000001" };
const newCompany = async () => (await db.company.create({ data: { name: "Acme" } })).id;
const actions = async (companyId: string) =>
  (await db.auditEvent.findMany({ where: { companyId }, orderBy: { seq: "asc" } })).map((e) => e.action);

describe("company name and key prefix", () => {
  it("renames the company, refusing an empty name", async () => {
    const companyId = await newCompany();
    expect(await renameCompany(db, companyId, "  Acme Logistics  ", actor)).toBe("Acme Logistics");
    await expect(renameCompany(db, companyId, "   ", actor)).rejects.toThrow(/Enter a name/);
    expect((await getCompanySettings(db, companyId)).name).toBe("Acme Logistics");
    expect(await actions(companyId)).toEqual(["company.renamed"]);
  });

  it("new keys take the new prefix; existing keys keep theirs", async () => {
    const companyId = await newCompany();
    const before = await createKey(db, companyId, { name: "old", scopes: ["*"], environment: "live" }, actor);
    await expect(changeKeyPrefix(db, companyId, "ACME", actor)).rejects.toThrow(/lower-case/);
    await expect(changeKeyPrefix(db, companyId, "a", actor)).rejects.toThrow();
    await expect(changeKeyPrefix(db, companyId, "acme_1", actor)).rejects.toThrow();
    expect(await changeKeyPrefix(db, companyId, "acme", actor)).toBe("acme");
    const after = await createKey(db, companyId, { name: "new", scopes: ["*"], environment: "test" }, actor);
    expect(after.secret).toMatch(/^acme_test_/);
    const old = await db.apiKey.findUniqueOrThrow({ where: { id: before.key.id } });
    expect(old.start).toMatch(/^kw_live_/);
    expect(await actions(companyId)).toEqual(["key.created", "company.key_prefix_changed", "key.created"]);
    expect(await verifyAuditChain(db, companyId)).toBeNull();
  });
});

describe("scope catalogue", () => {
  it("adds and removes a resource, each audited", async () => {
    const companyId = await newCompany();
    const added = await addScopeResource(db, companyId, { name: "vehicles", description: "Fleet API" }, actor);
    expect(await listScopeResourceNames(db, companyId)).toEqual(["vehicles"]);
    expect((await getCompanySettings(db, companyId)).scopeResources).toMatchObject([
      { name: "vehicles", description: "Fleet API" },
    ]);
    await removeScopeResource(db, companyId, added.id, actor);
    expect(await listScopeResourceNames(db, companyId)).toEqual([]);
    expect(await actions(companyId)).toEqual(["scope_resource.added", "scope_resource.removed"]);
  });

  it("refuses names that are not scope resources, built-ins and duplicates", async () => {
    const companyId = await newCompany();
    for (const name of ["Vehicles", "1fleet", "fleet:read", "*", "", "a".repeat(41), "has space"]) {
      await expect(addScopeResource(db, companyId, { name }, actor), name).rejects.toThrow();
    }
    await expect(addScopeResource(db, companyId, { name: "keys" }, actor)).rejects.toThrow(/built-in/);
    await addScopeResource(db, companyId, { name: "fleet_v2-beta" }, actor);
    await expect(addScopeResource(db, companyId, { name: "fleet_v2-beta" }, actor)).rejects.toThrow(/already/);
    expect(await listScopeResourceNames(db, companyId)).toEqual(["fleet_v2-beta"]);
  });

  it("another company's resource is not found", async () => {
    const a = await newCompany();
    const b = await newCompany();
    const { id } = await addScopeResource(db, b, { name: "vehicles" }, actor);
    await expect(removeScopeResource(db, a, id, actor)).rejects.toThrow(/not found/);
    expect(await listScopeResourceNames(db, b)).toEqual(["vehicles"]);
  });
});
