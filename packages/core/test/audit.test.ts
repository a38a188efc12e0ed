// The audit log is a per-company hash chain: editing or deleting any event must be detected, and
// concurrent writers must still produce one gap-free chain.

import type { Db } from "@keyward/db";
import { useTestDatabase } from "@keyward/db/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuditInput, appendAuditEvent, verifyAuditChain } from "../src";

let db: Db;
const fixture = useTestDatabase();
beforeAll(() => {
  db = fixture.db;
});

async function newCompany(): Promise<string> {
  return (await db.company.create({ data: { name: "Acme" } })).id;
}

function event(companyId: string, i: number): AuditInput {
  const actors: AuditInput["actor"][] = [
    { type: "user", id: "00000000-0000-7000-8000-000000000001", ip: "10.0.0.1", userAgent: "test" },
    { type: "key", id: "00000000-0000-7000-8000-000000000002", fingerprint: "kw_live_Ab3d" },
    { type: "system" },
  ];
  return {
    companyId,
    actor: actors[i % actors.length] as AuditInput["actor"],
    action: `key.action_${i}`,
    targetType: "api_key",
    targetId: `target-${i}`,
    metadata: { i, nested: { z: 1, a: [i, "x"] } },
  };
}

/** A company with `n` events appended one after another; returns its id. */
async function chainOf(n: number): Promise<string> {
  const companyId = await newCompany();
  for (let i = 1; i <= n; i++) await db.$transaction((tx) => appendAuditEvent(tx, event(companyId, i)));
  return companyId;
}

const eventsOf = (companyId: string) => db.auditEvent.findMany({ where: { companyId }, orderBy: { seq: "asc" } });

describe("audit chain", () => {
  it("links each event to the previous one's hash, seq 1..n", async () => {
    const companyId = await chainOf(5);
    const events = await eventsOf(companyId);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.prevHash)).toEqual([null, ...events.slice(0, -1).map((e) => e.hash)]);
    expect(new Set(events.map((e) => e.hash)).size).toBe(5);
    for (const e of events) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(events[0]).toMatchObject({ actorType: "key", fingerprint: "kw_live_Ab3d", action: "key.action_1" });
    expect(events[1]).toMatchObject({ actorType: "system", actorId: null, action: "key.action_2" });
    expect(events[2]).toMatchObject({ actorType: "user", ip: "10.0.0.1", userAgent: "test", action: "key.action_3" });
    expect(await verifyAuditChain(db, companyId)).toBeNull();
  });

  it("finds an edited action", async () => {
    const companyId = await chainOf(5);
    await db.$executeRaw`UPDATE audit_events SET action = 'key.nothing_happened' WHERE company_id = ${companyId}::uuid AND seq = 3`;
    expect(await verifyAuditChain(db, companyId)).toBe(3);
  });

  it("finds edited metadata", async () => {
    const companyId = await chainOf(5);
    await db.$executeRaw`UPDATE audit_events SET metadata = jsonb_set(metadata, '{i}', '99') WHERE company_id = ${companyId}::uuid AND seq = 2`;
    expect(await verifyAuditChain(db, companyId)).toBe(2);
  });

  it("does not mistake JSONB's own key order for an edit", async () => {
    const companyId = await chainOf(2);
    // Rewrite the same metadata: JSONB stores keys in its own order, whatever order they came in.
    await db.$executeRaw`UPDATE audit_events SET metadata = metadata::text::jsonb WHERE company_id = ${companyId}::uuid`;
    expect(await verifyAuditChain(db, companyId)).toBeNull();
  });

  it("finds a deleted event at the event after it", async () => {
    const companyId = await chainOf(5);
    await db.$executeRaw`DELETE FROM audit_events WHERE company_id = ${companyId}::uuid AND seq = 3`;
    expect(await verifyAuditChain(db, companyId)).toBe(4);
  });

  it("keeps one gap-free chain under 20 concurrent appends", async () => {
    const companyId = await newCompany();
    const other = await chainOf(1); // another company's chain is independent
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.$transaction((tx) => appendAuditEvent(tx, event(companyId, i)))),
    );
    const events = await eventsOf(companyId);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.action)).size).toBe(20);
    expect(await verifyAuditChain(db, companyId)).toBeNull();
    expect(await verifyAuditChain(db, other)).toBeNull();
  });
});
