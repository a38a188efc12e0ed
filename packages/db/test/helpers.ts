// Shared by the tests: an EMPTY database of the same kind createTestDatabase() would give (for the
// tests that run migrate() themselves), and a copy of the migrations folder to tamper with.
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "../src/embedded";
import { MIGRATIONS_DIR } from "../src/migrate";
import { assertLocalDatabase, type TestDatabase } from "../src/testing";

/** A fresh database with nothing in it: in-memory embedded, or a new one on TEST_DATABASE_URL's server. */
export async function createEmptyDatabase(env: NodeJS.ProcessEnv = process.env): Promise<TestDatabase> {
  const serverUrl = env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase({ dataDir: null });
    return { url: embedded.url, kind: "embedded", drop: () => embedded.stop() };
  }
  assertLocalDatabase(serverUrl);
  const name = `keyward_test_empty_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: "postgresql",
    async drop() {
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `keyward-${prefix}-`));
}

/** A copy of prisma/migrations in a temp dir, plus extra migrations (folder name → SQL). */
export function copyMigrations(extra: Record<string, string> = {}): { dir: string; remove(): void } {
  const root = tempDir("migrations");
  const dir = join(root, "migrations");
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "migration.sql"), sql);
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
