// A running guard follows the embedded database across a `pnpm start` restart: the database process
// (serving a data folder, address in .data/server.json) stops and comes back on another port, and the
// guard process, never restarted, reads the new address and accepts managed keys again. Meanwhile it
// says once that the database is unreachable, not ten times a second.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@keyward/child-servers";
import { createKey, setupFirstCompany } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import {
  type EmbeddedServerProcess,
  startEmbeddedServerProcess,
  startUpstream,
  type Upstream,
} from "@keyward/guard/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type GuardProcess, startGuardProcess } from "./testing/guard-process";

const SECRET = "guard-secret-for-tests-0123456789";
const dataDir = mkdtempSync(join(tmpdir(), "kw-guard-reconnect-"));
let upstream: Upstream;
let server: EmbeddedServerProcess | undefined;
let guard: GuardProcess | undefined;

async function withDb<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(url, { maxConnections: 1 });
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}

async function newKey(url: string, companyId: string): Promise<string> {
  return withDb(url, async (db) => {
    const { secret } = await createKey(
      db,
      companyId,
      { name: "reader", scopes: ["vehicles:read"], environment: "live" },
      { type: "system" },
    );
    return secret;
  });
}

const statusWith = async (key: string) =>
  (await fetch(`${guard?.url}/vehicles/1`, { headers: { authorization: `Bearer ${key}` } })).status;

beforeAll(async () => {
  upstream = await startUpstream();
});

afterAll(async () => {
  await guard?.stop();
  await server?.stop();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the guard across a restart of the embedded database", () => {
  it("200 again for a managed key after the database comes back on another port, without restarting the guard", async () => {
    const [firstPort, secondPort] = [await freePort(), await freePort()];
    expect(firstPort).not.toBe(secondPort);
    server = await startEmbeddedServerProcess(dataDir, firstPort);
    const companyId = await withDb(
      server.url,
      async (db) =>
        (await setupFirstCompany(db, { company: "Acme", email: "o@acme.test", password: "correct horse battery" }))
          .companyId,
    );
    const before = await newKey(server.url, companyId);
    const unseen = await newKey(server.url, companyId);

    guard = await startGuardProcess(
      [
        "--upstream",
        upstream.url,
        "--auth-secret",
        SECRET,
        "--port",
        "0",
        "--route",
        "GET /vehicles/* -> vehicles:read",
      ],
      { DATABASE_URL: undefined, REDIS_URL: undefined, KEYWARD_DATA_DIR: dataDir },
    );
    expect(guard.output()).toMatch(/Managed API keys .* are accepted/);
    expect(await statusWith(before)).toBe(200);

    // `pnpm start` stops: a key the guard never saw cannot be checked (503), and the guard says so once.
    await server.stop();
    expect(await statusWith(unseen)).toBe(503);
    await vi.waitFor(() => expect(guard?.output()).toMatch(/database unreachable/), { timeout: 10_000 });

    // `pnpm start` again, on another port: the guard finds it through server.json.
    server = await startEmbeddedServerProcess(dataDir, secondPort);
    expect(server.url).toContain(`:${secondPort}/`);
    const after = await newKey(server.url, companyId);
    await vi.waitFor(async () => expect(await statusWith(after)).toBe(200), { timeout: 30_000, interval: 250 });
    expect(await statusWith(unseen)).toBe(200);
    expect(await statusWith(before)).toBe(200);

    // However long the database was away: one line when it went, one when it came back.
    await vi.waitFor(() => expect(guard?.output()).toMatch(/database reachable again/), { timeout: 10_000 });
    const output = guard.output();
    expect(output.match(/database unreachable/g)?.length).toBe(1);
    expect(output).not.toMatch(/key-change poll failed/);
  }, 300_000);
});
