// SIGTERM in the middle of traffic: every request the API answered is counted in the database,
// allowed and refused alike. Runs on both databases (with Redis in CI's second round).

import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startApiProcess } from "../test/api-process";
import { setupAcme } from "../test/credentials";

let database: TestDatabase;
let db: Db;
let key: { id: string; secret: string };
let limited: { id: string; secret: string };
const LIMIT = 40;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  const setup = await setupAcme(db);
  key = { id: setup.readOnlyKey.key.id, secret: setup.readOnlyKey.secret };
  limited = { id: setup.adminKey.key.id, secret: setup.adminKey.secret };
  // An hour's window: the test never reaches its end, so past the limit every request is a 429.
  await db.apiKey.update({ where: { id: limited.id }, data: { rateLimit: LIMIT, rateLimitWindowSeconds: 3600 } });
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const sumOf = async (keyId: string, outcome: string) =>
  (await db.usageBucket.aggregate({ where: { keyId, outcome }, _sum: { count: true } }))._sum.count ?? 0;

describe("graceful shutdown", () => {
  it("flushes usage on SIGTERM under load: counted requests equal requests served, allowed and refused", async () => {
    // A flush interval longer than the test: only the shutdown flush can write the counts.
    const api = await startApiProcess({ DATABASE_URL: database.url, USAGE_FLUSH_INTERVAL_MS: "300000" });
    const served = { allowed: 0, limitedAllowed: 0, limitedRefused: 0 };
    let stop = false;
    const client = async (secret: string, count: (status: number) => boolean) => {
      while (!stop) {
        const res = await fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${secret}` } }).catch(
          () => null,
        );
        if (!res) return;
        await res.arrayBuffer();
        if (!count(res.status)) return;
      }
    };
    // Each client tallies what it was answered; anything else (503 while closing) ends it, uncounted.
    const counted = (status: number) => {
      if (status !== 200) return false;
      served.allowed++;
      return true;
    };
    const countedLimited = (status: number) => {
      if (status === 200) served.limitedAllowed++;
      else if (status === 429) served.limitedRefused++;
      else return false;
      return true;
    };
    const clients = [
      ...Array.from({ length: 6 }, () => client(key.secret, counted)),
      ...Array.from({ length: 2 }, () => client(limited.secret, countedLimited)),
    ];
    // Under load: well past the limit, and plenty counted, before the signal.
    await vi.waitFor(() => expect(served.allowed > 200 && served.limitedRefused > 50).toBe(true), {
      timeout: 30_000,
      interval: 50,
    });
    const exited = new Promise<number | null>((r) => api.child.once("exit", r));
    api.child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("no exit within 20 s"), 20_000))]);
    stop = true;
    await Promise.all(clients);

    expect(code, api.output().slice(-3000)).toBe(0);
    expect(served.limitedAllowed).toBe(LIMIT);
    expect(await sumOf(key.id, "allowed")).toBe(served.allowed);
    expect(await sumOf(limited.id, "allowed")).toBe(served.limitedAllowed);
    expect(await sumOf(limited.id, "rate_limited")).toBe(served.limitedRefused);
  }, 60_000);
});
