// The enforcement path reads keys with plain SQL (findKeyRecordByHash, findKeyRecordsByHash), not
// through Prisma: the two readings of the same rows must agree field by field, on both databases.
import { hashKey } from "@keyward/auth-core";
import { type ApiKey, createDb, type Db, poolOf } from "@keyward/db";
import { useCompanyDatabase } from "@keyward/db/vitest";
import { describe, expect, it } from "vitest";
import {
  createKey,
  createOperatorKey,
  findKeyRecordByHash,
  findKeyRecordById,
  findKeyRecordsByHash,
  revokeKey,
  revokeOperatorKey,
  setCompanySuspended,
} from "../src";

const t = useCompanyDatabase("Records");

const system = { type: "system" } as const;

/** The record the enforcement path must read for a company key row, field by field from Prisma's reading. */
function expectedRecord(row: ApiKey, companySuspended = false) {
  return {
    id: row.id,
    companyId: row.companyId,
    companySuspended,
    name: row.name,
    hash: row.hash,
    environment: row.environment,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    graceEndsAt: row.graceEndsAt,
    ipAllowlist: row.ipAllowlist,
    rateLimit:
      row.rateLimit !== null && row.rateLimitWindowSeconds !== null
        ? { limit: row.rateLimit, windowSeconds: row.rateLimitWindowSeconds }
        : null,
    metadata: row.metadata,
  };
}

describe("key records read with SQL", () => {
  it("equal Prisma's reading of the same rows, for every kind of key", async () => {
    const made = [
      await createKey(t.db, t.companyId, { name: "plain", scopes: ["keys:read"], environment: "live" }, system),
      await createKey(
        t.db,
        t.companyId,
        {
          name: "everything set",
          scopes: ["keys:read", "audit:read", "vehicles:*"],
          environment: "test",
          expiresAt: new Date(Date.now() + 86_400_000),
          ipAllowlist: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"],
          rateLimit: { limit: 120, windowSeconds: 60 },
          metadata: { plan: "pro", seats: 3, tags: ["a"] },
        },
        system,
      ),
      await createKey(t.db, t.companyId, { name: "to revoke", scopes: ["*"], environment: "live" }, system),
    ];
    await revokeKey(t.db, t.companyId, made[2]?.key.id as string, "test", system);

    const hashes = made.map((m) => hashKey(m.secret));
    for (const hash of hashes) {
      const row = await t.db.apiKey.findUniqueOrThrow({ where: { hash } });
      expect(await findKeyRecordByHash(t.db, hash)).toEqual(expectedRecord(row));
      expect(await findKeyRecordById(t.db, row.id)).toEqual(expectedRecord(row));
    }
    const revoked = await findKeyRecordByHash(t.db, hashes[2] as string);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect((await findKeyRecordByHash(t.db, hashes[1] as string))?.rateLimit).toEqual({
      limit: 120,
      windowSeconds: 60,
    });

    const unknown = "f".repeat(64);
    expect(await findKeyRecordByHash(t.db, unknown)).toBeNull();
    const many = await findKeyRecordsByHash(t.db, [...hashes, unknown]);
    expect(many.map((k) => k.hash).sort()).toEqual([...hashes].sort());
    for (const key of many) expect(key).toEqual(await findKeyRecordByHash(t.db, key.hash));
    expect(await findKeyRecordsByHash(t.db, [])).toEqual([]);
  });

  it("say whether the key's company is suspended, until it is resumed", async () => {
    const { secret, key } = await createKey(
      t.db,
      t.companyId,
      { name: "suspended", scopes: ["keys:read"], environment: "live" },
      system,
    );
    const hash = hashKey(secret);
    const row = await t.db.apiKey.findUniqueOrThrow({ where: { hash } });
    await setCompanySuspended(t.db, t.companyId, true, system);
    expect(await findKeyRecordByHash(t.db, hash)).toEqual(expectedRecord(row, true));
    expect(await findKeyRecordById(t.db, key.id)).toEqual(expectedRecord(row, true));
    expect((await findKeyRecordsByHash(t.db, [hash]))[0]?.companySuspended).toBe(true);
    await setCompanySuspended(t.db, t.companyId, false, system);
    expect(await findKeyRecordByHash(t.db, hash)).toEqual(expectedRecord(row));
  });

  it("find operator keys by hash, with no company, and never by id (they have no tokens)", async () => {
    const { secret, key } = await createOperatorKey(t.db, { name: "backend", scopes: ["keys:verify"] }, null);
    const hash = hashKey(secret);
    const expected = {
      id: key.id,
      companyId: null,
      companySuspended: false,
      name: "backend",
      hash,
      environment: "live",
      scopes: ["keys:verify"],
      expiresAt: null,
      revokedAt: null,
      graceEndsAt: null,
      ipAllowlist: [],
      rateLimit: null,
      metadata: null,
    };
    expect(await findKeyRecordByHash(t.db, hash)).toEqual(expected);
    expect(await findKeyRecordsByHash(t.db, [hash])).toEqual([expected]);
    expect(await findKeyRecordById(t.db, key.id)).toBeNull();
    await revokeOperatorKey(t.db, key.id);
    expect((await findKeyRecordByHash(t.db, hash))?.revokedAt).toBeInstanceOf(Date);
  });

  it("answer many concurrent lookups correctly (the embedded database serves every connection from one session)", async () => {
    const keys = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createKey(t.db, t.companyId, { name: `concurrent ${i}`, scopes: ["keys:read"], environment: "live" }, system),
      ),
    );
    const lookups = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const k = keys[i % keys.length] as (typeof keys)[number];
        return i % 3 === 0
          ? findKeyRecordsByHash(t.db, [hashKey(k.secret)]).then((found) => found[0]?.id)
          : findKeyRecordByHash(t.db, hashKey(k.secret)).then((found) => found?.id);
      }),
    );
    expect(lookups).toEqual(Array.from({ length: 300 }, (_, i) => keys[i % keys.length]?.key.id));
  });

  it("share the Prisma client's pool, which $disconnect ends", async () => {
    const other = createDb(t.database.url, { maxConnections: 2 });
    await other.company.count();
    const pool = poolOf(other);
    expect(pool.totalCount).toBeGreaterThan(0);
    await other.$disconnect();
    expect(pool.ended).toBe(true);
    // An $extends copy (tests count queries that way) reaches the same pool.
    expect(poolOf(other.$extends({}) as unknown as Db)).toBe(pool);
    expect(() => poolOf({} as Db)).toThrow(/createDb/);
  });
});
