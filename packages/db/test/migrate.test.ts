// The hand-written runner must behave like `prisma migrate deploy`: same bookkeeping table and
// checksums, idempotent, refusing edited history, atomic per migration, safe to run concurrently.
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrate, readMigrations } from "../src/migrate";
import { copyMigrations, createEmptyDatabase, withClient } from "./helpers";

const ALL = readMigrations().map((m) => m.name);

const query = <T extends object>(url: string, sql: string, params: unknown[] = []) =>
  withClient(url, async (client) => (await client.query<T>(sql, params)).rows);

const tableExists = async (url: string, table: string) =>
  (await query<{ t: string | null }>(url, "SELECT to_regclass($1)::text AS t", [`public.${table}`]))[0]?.t != null;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emptyDatabase(): Promise<string> {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  return db.url;
}

function migrationsCopy(extra: Record<string, string> = {}): string {
  const copy = copyMigrations(extra);
  cleanups.push(copy.remove);
  return copy.dir;
}

// These run in order on one database (a fresh embedded database takes seconds to initialise).
describe("migrate, one run after another on one database", () => {
  let url: string;
  beforeAll(async () => {
    url = await emptyDatabase();
  });

  it("applies every migration once; a second run is a no-op", async () => {
    expect(ALL.length).toBeGreaterThan(0);
    expect(await migrate(url)).toEqual(ALL);
    expect(await migrate(url)).toEqual([]);
    expect(await query(url, `SELECT migration_name FROM "_prisma_migrations"`)).toHaveLength(ALL.length);
  });

  it("records migrations in _prisma_migrations exactly as Prisma does", async () => {
    // Prisma Migrate's own table definition (schema-engine, postgres flavour).
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === "NO" ? " NOT NULL" : ""}`)).toEqual([
      "id character varying NOT NULL",
      "checksum character varying NOT NULL",
      "finished_at timestamp with time zone",
      "migration_name character varying NOT NULL",
      "logs text",
      "rolled_back_at timestamp with time zone",
      "started_at timestamp with time zone NOT NULL",
      "applied_steps_count integer NOT NULL",
    ]);
    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      started_at: Date;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      logs: string | null;
      applied_steps_count: number;
    }>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(ALL);
    for (const row of rows) {
      const sql = readFileSync(join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("refuses a migration edited after it was applied", async () => {
    const dir = migrationsCopy();
    expect(await migrate(url, dir)).toEqual([]); // same names and checksums: already applied
    appendFileSync(join(dir, ALL[0] as string, "migration.sql"), "\n-- an innocent-looking edit\n");
    await expect(migrate(url, dir)).rejects.toThrow(`Migration ${ALL[0]} was edited after it was applied`);
  });

  it("rolls a failing migration back whole and reports it", async () => {
    const broken = "29990101000000_broken";
    const dir = migrationsCopy({
      [broken]: `CREATE TABLE "half_done" ("id" INTEGER);\nINSERT INTO "no_such_table" VALUES (1);\n`,
    });
    await expect(migrate(url, dir)).rejects.toThrow(
      new RegExp(`^Migration ${broken} failed: relation "no_such_table" does not exist`),
    );
    expect(await tableExists(url, "half_done")).toBe(false);
    expect(await tableExists(url, "companies")).toBe(true); // the migrations before it stay applied
    const names = await query<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(names.map((r) => r.migration_name)).toEqual(ALL);
    // Fixed, it applies on the next run.
    const fixed = migrationsCopy({ [broken]: `CREATE TABLE "half_done" ("id" INTEGER);\n` });
    expect(await migrate(url, fixed)).toEqual([broken]);
    expect(await tableExists(url, "half_done")).toBe(true);
  });
});

describe("migrate, concurrently", () => {
  it("two concurrent runs on a fresh database both succeed and apply each migration once", async () => {
    const url = await emptyDatabase();
    const results = await Promise.allSettled([migrate(url), migrate(url)]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok"]);
    const applied = results.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
    expect(applied.sort()).toEqual(ALL);
    const rows = await query<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows.map((r) => r.migration_name).sort()).toEqual(ALL);
  });
});
