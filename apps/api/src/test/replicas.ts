// Two real API processes on one fresh database (and on Redis when REDIS_URL is set): what the
// multi-replica tests start from, a change made through one replica to be seen by the other.
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll } from "vitest";
import { type ApiProcess, startApiProcess } from "./api-process";
import { setupAcme } from "./credentials";

export interface TwoReplicas {
  database: TestDatabase;
  db: Db;
  /** The first company's starter admin key. */
  adminKey: string;
  replicas: [ApiProcess, ApiProcess];
}

/**
 * The database with the first company (setupAcme) and two replicas on it, for
 * the file or describe block this is called in (its own beforeAll/afterAll). `env` is added to both
 * replicas' environment; it is read in that beforeAll, after the ones registered before this call
 * (e.g. a receiver the replicas must know the URL of). Read the fields inside tests.
 */
export function useTwoReplicas(env: () => Record<string, string> = () => ({})): TwoReplicas {
  const fixture = {} as TwoReplicas;
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.db = createDb(fixture.database.url);
    fixture.adminKey = (await setupAcme(fixture.db)).adminKey.secret;
    const vars: Record<string, string> = { DATABASE_URL: fixture.database.url, ...env() };
    if (process.env.REDIS_URL) vars.REDIS_URL = process.env.REDIS_URL;
    fixture.replicas = (await Promise.all([startApiProcess(vars), startApiProcess(vars)])) as [ApiProcess, ApiProcess];
  });
  afterAll(async () => {
    await Promise.all((fixture.replicas ?? []).map((r) => r.stop()));
    await fixture.db?.$disconnect();
    await fixture.database?.drop();
  });
  return fixture;
}
