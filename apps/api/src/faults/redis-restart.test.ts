// Redis stopped under a real API process (its own redis-server, stopped and started again): rate
// limits go on per replica (a limited key is still limited), requests succeed, and once Redis is
// back the API counts limits there and listens for key changes there again, without a restart.
import { SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiProcess, startApiProcess } from "../test/api-process";
import { setupAcme } from "../test/credentials";
import { FAULTS_ENABLED, FAULTS_SKIPPED, type RedisServer, startRedisServer } from "./servers";

const KEY_CHANGES_CHANNEL = "keyward:key-changes";

let database: TestDatabase;
let db: Db;
let redis: RedisServer;
let api: ApiProcess;
let companyId: string;

/** A key limited to `limit` requests a minute. */
async function limitedKey(limit: number): Promise<{ id: string; secret: string }> {
  const { key, secret } = await createKey(
    db,
    companyId,
    { name: `limited to ${limit}`, scopes: [...SCOPE_PRESETS.admin], environment: "live" },
    { type: "system" },
  );
  await db.apiKey.update({ where: { id: key.id }, data: { rateLimit: limit, rateLimitWindowSeconds: 60 } });
  return { id: key.id, secret };
}

const me = async (secret: string) =>
  (await fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status;

async function statuses(secret: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await me(secret));
  return out;
}

/** The API's shared counter of a key in our Redis (rate-limiter-flexible's key), or null. */
const sharedCount = async (keyId: string) => {
  const [key] = await redis.client.keys(`keyward:rl*${keyId}*`);
  return key === undefined ? null : Number(await redis.client.get(key));
};
const keyChangeListeners = async () =>
  Number(((await redis.client.pubsub("NUMSUB", KEY_CHANGES_CHANNEL)) as [string, number])[1]);

describe.skipIf(!FAULTS_ENABLED)(
  `Redis stopped and started again under a running API ${FAULTS_ENABLED ? "" : `(${FAULTS_SKIPPED})`}`,
  () => {
    beforeAll(async () => {
      database = await createTestDatabase();
      db = createDb(database.url);
      const setup = await setupAcme(db);
      companyId = setup.companyId;
      redis = await startRedisServer();
      api = await startApiProcess({ DATABASE_URL: database.url, REDIS_URL: redis.url });
    });

    afterAll(async () => {
      await api?.stop();
      redis?.client.disconnect();
      await redis?.stop();
      await db?.$disconnect();
      await database?.drop();
    });

    it("limits hold per replica while Redis is down, requests succeed, and Redis is used again once back", async () => {
      // Up: the limit is counted in Redis, and the API listens there for key changes.
      const before = await limitedKey(3);
      expect(await statuses(before.secret, 4)).toEqual([200, 200, 200, 429]);
      expect(await sharedCount(before.id)).toBe(4);
      expect(await keyChangeListeners()).toBe(1);

      await redis.stop();
      // Down: still limited (per replica), and requests are answered.
      const during = await limitedKey(3);
      expect(await statuses(during.secret, 4)).toEqual([200, 200, 200, 429]);
      const unlimited = await limitedKey(1000);
      expect(await statuses(unlimited.secret, 10)).toEqual(Array(10).fill(200));

      await redis.start();
      // Back (empty: no persistence): the API counts there again and re-subscribed, with no restart.
      const after = await limitedKey(1000);
      await vi.waitFor(
        async () => {
          expect(await me(after.secret)).toBe(200);
          expect(await sharedCount(after.id)).not.toBeNull();
        },
        { timeout: 20_000, interval: 200 },
      );
      await vi.waitFor(async () => expect(await keyChangeListeners()).toBe(1), { timeout: 20_000, interval: 200 });
      const shared = await limitedKey(3);
      expect(await statuses(shared.secret, 4)).toEqual([200, 200, 200, 429]);
      expect(await sharedCount(shared.id)).toBe(4);
      expect(api.output()).toContain("rate limits are now per replica");
      expect(api.output()).toContain("rate limits are shared by all replicas again");
      expect(api.output()).not.toMatch(/unhandled error|"statusCode":500/);
    }, 60_000);
  },
);
