// SIGTERM in the middle of traffic: every request the API answered is counted in the database.
import { createDb, type Db, setupFirstCompany } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiProcess } from "./test/api-process";

let database: TestDatabase;
let db: Db;
let key: { id: string; secret: string };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  const setup = await setupFirstCompany(db, {
    company: "Acme",
    email: "o@acme.test",
    password: "correct horse battery",
  });
  key = { id: setup.readOnlyKey.key.id, secret: setup.readOnlyKey.secret };
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe("graceful shutdown", () => {
  it("flushes usage on SIGTERM: counted requests equal requests served", async () => {
    // A flush interval longer than the test: only the shutdown flush can write the counts.
    const api = await startApiProcess({ DATABASE_URL: database.url, USAGE_FLUSH_INTERVAL_MS: "300000" });
    let served = 0;
    let stop = false;
    const client = async () => {
      while (!stop) {
        const res = await fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${key.secret}` } }).catch(
          () => null,
        );
        if (!res) return;
        await res.arrayBuffer();
        if (res.status !== 200) return; // 503 once the server is closing
        served++;
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // Stop mid-load once enough has been served, however fast this machine is.
    await expect.poll(() => served, { timeout: 30_000, interval: 20 }).toBeGreaterThan(50);
    const exited = new Promise<number | null>((r) => api.child.once("exit", r));
    api.child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("no exit within 20 s"), 20_000))]);
    stop = true;
    await Promise.all(clients);

    expect(code, api.output().slice(-3000)).toBe(0);
    expect(served).toBeGreaterThan(50);
    const sum = await db.usageBucket.aggregate({ where: { keyId: key.id, outcome: "allowed" }, _sum: { count: true } });
    expect(sum._sum.count).toBe(served);
  }, 60_000);
});
