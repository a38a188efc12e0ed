// A fresh, migrated database for one test run: a new database on the PostgreSQL named by
// TEST_DATABASE_URL, or else an in-memory embedded database. Refuses anything but a local server.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedDatabase } from "./embedded";
import { migrate } from "./migrate";

export interface TestDatabase {
  url: string;
  kind: "postgresql" | "embedded";
  drop(): Promise<void>;
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Throws unless `url` points at this machine: tests create and drop databases. */
export function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!LOCAL_HOSTS.has(host)) {
    throw new Error(
      `TEST_DATABASE_URL points at ${host}, which is not this machine. Tests create and drop databases; ` +
        "point TEST_DATABASE_URL at a local PostgreSQL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) or unset it to use the embedded database.",
    );
  }
}

export async function createTestDatabase(env: NodeJS.ProcessEnv = process.env): Promise<TestDatabase> {
  const serverUrl = env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase({ dataDir: null });
    await migrate(embedded.url);
    return { url: embedded.url, kind: "embedded", drop: () => embedded.stop() };
  }
  assertLocalDatabase(serverUrl);
  const name = `keyward_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return {
    url: url.toString(),
    kind: "postgresql",
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
