// The database stopped under a real API process (its own PostgreSQL cluster, stopped with
// `pg_ctlcluster stop -m fast`, as a failover or a restart would) and started again: keys in cache
// keep working, others get 503 SERVICE_UNAVAILABLE, never a 500; once the database is back
// everything works again without restarting the API, and the usage counted meanwhile is written.
import { SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { migrate } from "@keyward/db/migrate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiProcess, startApiProcess } from "../test/api-process";
import { setupAcme } from "../test/credentials";
import { FAULTS_ENABLED, FAULTS_SKIPPED, type PostgresCluster, startPostgresCluster } from "./servers";

const UNAVAILABLE = { errors: [{ code: "SERVICE_UNAVAILABLE", message: expect.any(String) }] };

let cluster: PostgresCluster;
let db: Db;
let api: ApiProcess;
let cachedKey: { id: string; secret: string };
let adminKey: string;
let uncachedKeys: string[];

describe.skipIf(!FAULTS_ENABLED)(
  `database stopped and started again under a running API ${FAULTS_ENABLED ? "" : `(${FAULTS_SKIPPED})`}`,
  () => {
    beforeAll(async () => {
      cluster = await startPostgresCluster();
      await migrate(cluster.url);
      db = createDb(cluster.url);
      const setup = await setupAcme(db);
      cachedKey = { id: setup.readOnlyKey.key.id, secret: setup.readOnlyKey.secret };
      adminKey = setup.adminKey.secret;
      uncachedKeys = [];
      for (const name of ["never used 1", "never used 2"]) {
        const created = await createKey(
          db,
          setup.companyId,
          { name, scopes: [...SCOPE_PRESETS.admin], environment: "live" },
          { type: "system" },
        );
        uncachedKeys.push(created.secret);
      }
      api = await startApiProcess({
        DATABASE_URL: cluster.url,
        REDIS_URL: process.env.REDIS_URL as string,
        USAGE_FLUSH_INTERVAL_MS: "200",
      });
    });

    afterAll(async () => {
      await api?.stop();
      await db?.$disconnect();
      await cluster?.drop();
    });

    const get = (path: string, key: string) =>
      fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${key}` } }).then(async (res) => ({
        status: res.status,
        body: (await res.json()) as unknown,
      }));

    it("cached keys 200, uncached 503, never 500; then recovery without a restart, usage included", async () => {
      for (const key of [cachedKey.secret, adminKey]) expect((await get("/v1/me", key)).status).toBe(200);
      await vi.waitFor(async () => {
        const usage = await db.usageBucket.aggregate({ where: { keyId: cachedKey.id }, _sum: { count: true } });
        expect(usage._sum.count).toBe(1);
      });
      await db.$disconnect();

      await cluster.stop();
      let servedWhileDown = 0;
      const down = await get("/v1/me", cachedKey.secret);
      expect(down).toMatchObject({ status: 200, body: { type: "key", company: { name: "Acme" } } });
      servedWhileDown++;
      for (let i = 0; i < 20; i++) {
        expect((await get("/v1/me", cachedKey.secret)).status).toBe(200);
        servedWhileDown++;
      }
      expect(await get("/v1/me", uncachedKeys[0] as string)).toEqual({ status: 503, body: UNAVAILABLE });
      expect(await get("/v1/keys", adminKey)).toEqual({ status: 503, body: UNAVAILABLE });
      expect((await get("/v1/health", adminKey)).status).toBe(503);
      expect(api.output()).not.toMatch(/unhandled error|"statusCode":500/);

      await cluster.start();
      // Back without a restart: a key never seen, a listing, a write.
      await vi.waitFor(async () => expect((await get("/v1/me", uncachedKeys[1] as string)).status).toBe(200), {
        timeout: 20_000,
        interval: 200,
      });
      expect((await get("/v1/keys", adminKey)).status).toBe(200);
      const created = await fetch(`${api.url}/v1/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "after the outage", scopes: ["keys:read"], environment: "live" }),
      });
      expect(created.status).toBe(201);
      // What the cached key was counted for while the database was down is written once it is back.
      db = createDb(cluster.url);
      await vi.waitFor(
        async () => {
          const usage = await db.usageBucket.aggregate({ where: { keyId: cachedKey.id }, _sum: { count: true } });
          expect(usage._sum.count).toBe(1 + servedWhileDown);
        },
        { timeout: 20_000, interval: 200 },
      );
      expect(api.output()).not.toMatch(/unhandled error|"statusCode":500/);
    }, 60_000);
  },
);
