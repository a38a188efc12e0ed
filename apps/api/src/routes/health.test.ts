import { createDb } from "@keyward/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app";
import { loadEnv } from "../env";
import { type Harness, startHarness } from "../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("GET /v1/health", () => {
  it("200 with the database up, no credential needed", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/health" });
    expect(res.statusCode).toBe(200);
    // CI runs the suite once without Redis and once with REDIS_URL pointing at a real server.
    expect(res.json()).toEqual({ status: "ok", db: "ok", redis: process.env.REDIS_URL ? "ok" : "disabled" });
  });

  it("503 when the database is unreachable", async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const deadDb = createDb("postgresql://postgres@127.0.0.1:9/none");
    const app = await buildApp({ db: deadDb, env: loadEnv({ LOG_LEVEL: "silent" }) });
    const res = await app.inject({ method: "GET", url: "/v1/health" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: "degraded", db: "down" });
    await app.close();
  });
});
