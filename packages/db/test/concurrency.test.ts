// Two separate processes writing at once through one database (the embedded server, or real
// PostgreSQL when TEST_DATABASE_URL is set): no lost updates, no transaction seeing another's
// uncommitted rows, no statement getting another's answer.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing";
import { withClient } from "./helpers";

const WORKER = fileURLToPath(new URL("./fixtures/concurrency-worker.mjs", import.meta.url));
const TRANSACTIONS = 300; // of each kind, per process

interface WorkerResult {
  increments: number;
  isolated: number;
  echoes: number;
  errors: string[];
  errorCount: number;
}

/** Runs the worker as a child process, asynchronously: the embedded server lives in this process. */
function runWorker(url: string, name: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, url, name, String(TRANSACTIONS)], { stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`worker ${name} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
    });
  });
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await withClient(db.url, async (client) => {
    await client.query(`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`);
    await client.query(`INSERT INTO counter VALUES (1, 0)`);
    await client.query(`CREATE TABLE tagged (id SERIAL PRIMARY KEY, tag TEXT NOT NULL)`);
  });
});
afterAll(async () => {
  await db?.drop();
});

it(`two processes with 10 connections each neither interleave transactions nor lose writes (${
  process.env.TEST_DATABASE_URL ? "postgresql" : "embedded"
})`, async () => {
  const results = await Promise.all([runWorker(db.url, "a"), runWorker(db.url, "b")]);
  for (const result of results) {
    expect(result).toEqual({
      increments: TRANSACTIONS,
      isolated: TRANSACTIONS,
      echoes: TRANSACTIONS,
      errors: [],
      errorCount: 0,
    });
  }
  await withClient(db.url, async (client) => {
    const counter = await client.query(`SELECT n FROM counter WHERE id = 1`);
    expect(counter.rows).toEqual([{ n: 2 * TRANSACTIONS }]);
    const tags = await client.query(`SELECT count(*)::int AS tags, min(n) AS min, max(n) AS max
      FROM (SELECT tag, count(*)::int AS n FROM tagged GROUP BY tag) AS t`);
    expect(tags.rows).toEqual([{ tags: 2 * TRANSACTIONS, min: 2, max: 2 }]);
  });
});
