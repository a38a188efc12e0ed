// A usage flush after a company was deleted: counts of its keys, buffered before the deletion, are
// dropped, and every other company's counts and refusals are still written (before, the batch failed
// on the foreign keys and was retried forever, so no usage was recorded again on that replica).
import { useCompanyDatabase } from "@keyward/db/vitest";
import { describe, expect, it } from "vitest";
import { createCompany, createKey, deleteCompany, writeUsageBatch } from "../src";

const t = useCompanyDatabase("Stays");
const system = { type: "system" } as const;
const MINUTE = new Date("2026-11-27T10:00:00.000Z");

describe("writeUsageBatch", () => {
  it("drops a deleted company's counts and writes everyone else's", async () => {
    const staying = await createKey(t.db, t.companyId, { name: "stays", scopes: ["*"], environment: "live" }, system);
    const gone = await createCompany(t.db, { name: "Goes", ownerEmail: "owner@goes.test" }, system);
    const leaving = await createKey(
      t.db,
      gone.companyId,
      { name: "leaves", scopes: ["*"], environment: "live" },
      system,
    );
    await deleteCompany(t.db, gone.companyId);

    const refusal = (companyId: string, keyId: string) => ({
      companyId,
      keyId,
      fingerprint: "fp",
      code: "RATE_LIMITED",
      ip: "10.0.0.7",
      count: 2,
      firstAt: MINUTE,
      lastAt: MINUTE,
    });
    await writeUsageBatch(t.db, {
      counts: [
        { companyId: t.companyId, keyId: staying.key.id, minute: MINUTE, outcome: "allowed", count: 5 },
        { companyId: gone.companyId, keyId: leaving.key.id, minute: MINUTE, outcome: "allowed", count: 9 },
      ],
      lastUses: [{ keyId: leaving.key.id, at: MINUTE, ip: null }],
      refusals: [refusal(t.companyId, staying.key.id), refusal(gone.companyId, leaving.key.id)],
    });

    const buckets = await t.db.usageBucket.findMany({ select: { keyId: true, count: true } });
    expect(buckets).toEqual([{ keyId: staying.key.id, count: 5 }]);
    const refused = await t.db.auditEvent.findMany({ where: { action: "request.refused" }, select: { keyId: true } });
    expect(refused).toEqual([{ keyId: staying.key.id }]);
  });
});
