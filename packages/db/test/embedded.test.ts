// The embedded database as the apps use it: PGlite in a data folder, served on a free loopback port,
// found by other processes through <dataDir>/server.json.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@keyward/child-servers";
import { afterAll, describe, expect, it } from "vitest";
import { findRunningEmbeddedDatabase, resolveDatabase, startEmbeddedDatabase } from "../src/embedded";
import { tempDir, withClient } from "./helpers";

const dataDir = tempDir("embedded");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const serverJson = join(dataDir, "server.json");

describe("embedded database", () => {
  it("keeps its data across stop and start, on a free port that is never 5432", async () => {
    const first = await startEmbeddedDatabase({ dataDir });
    expect(first.port).toBeGreaterThan(0);
    expect(first.port).not.toBe(5432);
    expect(first.url).toBe(`postgresql://postgres@127.0.0.1:${first.port}/postgres`);
    await withClient(first.url, async (client) => {
      await client.query(`CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL)`);
      await client.query(`INSERT INTO "notes" VALUES (1, 'kept')`);
    });
    await first.stop();

    const second = await startEmbeddedDatabase({ dataDir });
    try {
      expect(second.port).not.toBe(5432);
      const rows = await withClient(second.url, async (client) => (await client.query(`SELECT * FROM "notes"`)).rows);
      expect(rows).toEqual([{ id: 1, body: "kept" }]);
    } finally {
      await second.stop();
    }
  });

  it("records its address in server.json while it runs, and refuses a second server on the same folder", async () => {
    const server = await startEmbeddedDatabase({ dataDir });
    try {
      const recorded = JSON.parse(readFileSync(serverJson, "utf8"));
      expect(recorded).toEqual({ url: server.url, host: "127.0.0.1", port: server.port, pid: process.pid });
      expect(await findRunningEmbeddedDatabase(dataDir)).toEqual(recorded);
      await expect(startEmbeddedDatabase({ dataDir })).rejects.toThrow(
        `The embedded database in ${dataDir} is already served by process ${process.pid} at ${server.url}`,
      );
      // The refused start left the running server alone.
      expect(await withClient(server.url, async (c) => (await c.query("SELECT 1 AS one")).rows)).toEqual([{ one: 1 }]);
    } finally {
      await server.stop();
    }
    expect(existsSync(serverJson)).toBe(false);
    expect(await findRunningEmbeddedDatabase(dataDir)).toBeNull();
  });

  it("ignores a server.json left behind by a server that is gone", async () => {
    const port = await freePort(); // nobody listens there any more
    const info = { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, host: "127.0.0.1", port };
    try {
      writeFileSync(serverJson, JSON.stringify({ ...info, pid: process.pid }));
      expect(await findRunningEmbeddedDatabase(dataDir)).toBeNull();
      const exited = spawnSync(process.execPath, ["-e", ""]).pid; // a process that no longer exists
      writeFileSync(serverJson, JSON.stringify({ ...info, pid: exited }));
      expect(await findRunningEmbeddedDatabase(dataDir)).toBeNull();
    } finally {
      rmSync(serverJson, { force: true });
    }
  });

  it("resolveDatabase prefers DATABASE_URL, then the running server, then starts one when asked", async () => {
    const elsewhere = "postgresql://postgres@127.0.0.1:5432/elsewhere";
    const server = await startEmbeddedDatabase({ dataDir });
    try {
      const fromEnv = await resolveDatabase({ databaseUrl: elsewhere, dataDir, startIfNeeded: true });
      expect({ url: fromEnv.url, embedded: fromEnv.embedded }).toEqual({ url: elsewhere, embedded: false });

      const running = await resolveDatabase({ databaseUrl: undefined, dataDir, startIfNeeded: false });
      expect({ url: running.url, embedded: running.embedded }).toEqual({ url: server.url, embedded: true });
      await running.release(); // not ours to stop
      expect(await findRunningEmbeddedDatabase(dataDir)).not.toBeNull();
    } finally {
      await server.stop();
    }

    await expect(resolveDatabase({ databaseUrl: undefined, dataDir, startIfNeeded: false })).rejects.toThrow(
      /No DATABASE_URL and no embedded database running/,
    );

    const started = await resolveDatabase({ databaseUrl: undefined, dataDir, startIfNeeded: true });
    try {
      expect(started.embedded).toBe(true);
      expect((await findRunningEmbeddedDatabase(dataDir))?.url).toBe(started.url);
      const rows = await withClient(started.url, async (c) => (await c.query(`SELECT body FROM "notes"`)).rows);
      expect(rows).toEqual([{ body: "kept" }]); // the same data folder as the first test
    } finally {
      await started.release();
    }
    expect(await findRunningEmbeddedDatabase(dataDir)).toBeNull();
  });
});
