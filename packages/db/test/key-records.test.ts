// The enforcement path reads keys with plain SQL (findKeyRecordByHash, findKeyRecordsByHash), not
// through Prisma: the two readings of the same rows must agree field by field, on both databases.
import { hashKey } from "@keyward/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db, poolOf } from "../src/client";
import { createKey, findKeyRecordByHash, findKeyRecordsByHash, revokeKey, toKeyRecord } from "../src/services/keys";
import { createTestDatabase, type TestDatabase } from "../src/testing";

let database: TestDatabase;
let db: Db;
let companyId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  companyId = (await db.company.create({ data: { name: "Records" } })).id;
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const system = { type: "system" } as const;

describe("key records read with SQL", () => {
  it("equal Prisma's reading of the same rows, for every kind of key", async () => {
    const made = [
      await createKey(db, companyId, { name: "plain", scopes: ["keys:read"], environment: "live" }, system),
      await createKey(
        db,
        companyId,
        {
          name: "everything set",
          scopes: ["keys:read", "audit:read", "vehicles:*"],
          environment: "test",
          expiresAt: new Date(Date.now() + 86_400_000),
          ipAllowlist: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"],
          rateLimit: { limit: 120, windowSeconds: 60 },
        },
        system,
      ),
      await createKey(db, companyId, { name: "to revoke", scopes: ["*"], environment: "live" }, system),
    ];
    await revokeKey(db, companyId, made[2]?.key.id as string, "test", system);

    const hashes = made.map((m) => hashKey(m.secret));
    for (const hash of hashes) {
      const row = await db.apiKey.findUniqueOrThrow({ where: { hash } });
      expect(await findKeyRecordByHash(db, hash)).toEqual(toKeyRecord(row));
    }
    const revoked = await findKeyRecordByHash(db, hashes[2] as string);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect((await findKeyRecordByHash(db, hashes[1] as string))?.rateLimit).toEqual({ limit: 120, windowSeconds: 60 });

    const unknown = "f".repeat(64);
    expect(await findKeyRecordByHash(db, unknown)).toBeNull();
    const many = await findKeyRecordsByHash(db, [...hashes, unknown]);
    expect(many.map((k) => k.hash).sort()).toEqual([...hashes].sort());
    for (const key of many) expect(key).toEqual(await findKeyRecordByHash(db, key.hash));
    expect(await findKeyRecordsByHash(db, [])).toEqual([]);
  });

  it("answer many concurrent lookups correctly (the embedded database serves every connection from one session)", async () => {
    const keys = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createKey(db, companyId, { name: `concurrent ${i}`, scopes: ["keys:read"], environment: "live" }, system),
      ),
    );
    const lookups = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const k = keys[i % keys.length] as (typeof keys)[number];
        return i % 3 === 0
          ? findKeyRecordsByHash(db, [hashKey(k.secret)]).then((found) => found[0]?.id)
          : findKeyRecordByHash(db, hashKey(k.secret)).then((found) => found?.id);
      }),
    );
    expect(lookups).toEqual(Array.from({ length: 300 }, (_, i) => keys[i % keys.length]?.key.id));
  });

  it("share the Prisma client's pool, which $disconnect ends", async () => {
    const other = createDb(database.url, { maxConnections: 2 });
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
