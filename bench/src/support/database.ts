// The one database of a bench run: a fresh database on the PostgreSQL named by DATABASE_URL (created
// and dropped like the tests do, so it must be a local server), or else an in-memory embedded
// database served by a child process. Every figure seeds its own company in it.
import { createInterface } from "node:readline";
import { createDb } from "@keyward/db";
import { createTestDatabase } from "@keyward/db/testing";
import type { BenchDatabase } from "./figure";
import { childEnv, spawnTsx } from "./processes";

export interface OpenDatabase extends BenchDatabase {
  close(): Promise<void>;
}

export async function openBenchDatabase(databaseUrl: string | undefined): Promise<OpenDatabase> {
  if (databaseUrl) {
    const database = await createTestDatabase({ TEST_DATABASE_URL: databaseUrl });
    const db = createDb(database.url);
    return {
      url: database.url,
      kind: "postgresql",
      db,
      async close() {
        await db.$disconnect();
        await database.drop();
      },
    };
  }

  const child = spawnTsx(new URL("./embedded-database.ts", import.meta.url), [], {
    env: childEnv({}),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the embedded database exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) => {
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  const db = createDb(url);
  return {
    url,
    kind: "embedded",
    db,
    async close() {
      await db.$disconnect();
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
