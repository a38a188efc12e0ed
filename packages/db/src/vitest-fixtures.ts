// Vitest fixtures over testing.ts (a separate module: bench and e2e import testing.ts outside vitest).
import { afterAll, beforeAll } from "vitest";
import { createDb, type Db } from "./client";
import { createTestDatabase, type TestDatabase } from "./testing";

/**
 * A fresh, migrated database for the whole test file (its own beforeAll/afterAll), dropped after it.
 * Read the fields inside tests: they are set once the file's setup ran.
 */
export function useTestDatabase(): { database: TestDatabase; db: Db } {
  const fixture = {} as { database: TestDatabase; db: Db };
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.db = createDb(fixture.database.url);
  });
  afterAll(async () => {
    await fixture.db?.$disconnect();
    await fixture.database?.drop();
  });
  return fixture;
}

/** useTestDatabase with one company in it. */
export function useCompanyDatabase(companyName = "Acme"): { database: TestDatabase; db: Db; companyId: string } {
  const fixture = useTestDatabase() as { database: TestDatabase; db: Db; companyId: string };
  beforeAll(async () => {
    fixture.companyId = (await fixture.db.company.create({ data: { name: companyName } })).id;
  });
  return fixture;
}
