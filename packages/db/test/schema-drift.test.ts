// The migrated database must be exactly what prisma/schema.prisma describes: migrations are written
// by hand, so this is what stands in for `prisma migrate diff` and fails CI on drift.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../src/migrate";
import { createTestDatabase, type TestDatabase } from "../src/testing";
import { copyMigrations, createEmptyDatabase } from "./helpers";
import { describeSchemaFromDatabase, describeSchemaFromDmmf, diffSchemas, type SchemaShape } from "./schema-shape";

let expected: SchemaShape;

beforeAll(async () => {
  expected = await describeSchemaFromDmmf();
});

/** Migrates a fresh database from a copy of the migrations plus `extra`, and returns the differences. */
async function driftOf(extra: Record<string, string>): Promise<string[]> {
  const migrations = copyMigrations(extra);
  const db = await createEmptyDatabase();
  try {
    await migrate(db.url, migrations.dir);
    return diffSchemas(expected, await describeSchemaFromDatabase(db.url));
  } finally {
    await db.drop();
    migrations.remove();
  }
}

describe("schema drift", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(); // migrated with the real MIGRATIONS_DIR
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("reads the Prisma schema as prisma migrate would create it", () => {
    // Pins the DMMF → SQL mapping, so a comparison of two empty descriptions cannot pass.
    expect(Object.keys(expected.tables)).toHaveLength(24);
    expect(expected.enums.Role).toEqual(["owner", "admin", "viewer"]);
    const apiKeys = expected.tables.api_keys;
    expect(apiKeys?.columns).toMatchObject({
      id: "uuid NOT NULL",
      name: "text NOT NULL",
      hash: "character(64) NOT NULL",
      environment: "Environment NOT NULL",
      scopes: "text[]",
      metadata: "jsonb",
      imported: "boolean NOT NULL DEFAULT false",
      rate_limit: "integer",
      created_at: "timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP",
      updated_at: "timestamp(3) with time zone NOT NULL",
    });
    expect(apiKeys?.indexes).toContain("api_keys_company_id_environment_id_idx (company_id, environment, id DESC)");
    expect(apiKeys?.foreignKeys).toContain(
      "api_keys_rotated_from_id_fkey (rotated_from_id) REFERENCES api_keys (id) ON DELETE SET NULL ON UPDATE CASCADE",
    );
    expect(expected.tables.companies?.columns.key_prefix).toBe("text NOT NULL DEFAULT 'kw'");
    expect(expected.tables.usage_buckets?.primaryKey).toBe("usage_buckets_pkey (key_id, minute, outcome)");
    expect(expected.tables.memberships?.indexes).toContain(
      "UNIQUE memberships_company_id_user_id_key (company_id, user_id)",
    );
  });

  it(`the migrations in MIGRATIONS_DIR produce exactly the Prisma schema (${process.env.TEST_DATABASE_URL ? "postgresql" : "embedded"})`, async () => {
    const actual = await describeSchemaFromDatabase(db.url);
    expect(diffSchemas(expected, actual)).toEqual([]);
    expect(actual).toEqual(expected);
  });

  it("reports a dropped NOT NULL and a dropped index, and nothing else", async () => {
    const drift = await driftOf({
      "29990101000000_drift": [
        `ALTER TABLE "api_keys" ALTER COLUMN "name" DROP NOT NULL;`,
        `DROP INDEX "api_keys_company_id_environment_id_idx";`,
      ].join("\n"),
    });
    console.log(`deliberate drift, as reported:\n${drift.join("\n")}`);
    expect(drift).toEqual([
      `api_keys.name: expected "text NOT NULL", found "text"`,
      "api_keys: missing index api_keys_company_id_environment_id_idx (company_id, environment, id DESC)",
    ]);
  });

  it("reports drift of every other kind it checks", async () => {
    const drift = await driftOf({
      "29990101000000_drift": `
        ALTER TYPE "Role" ADD VALUE 'auditor';
        CREATE TYPE "Extra" AS ENUM ('x');
        CREATE TABLE "extra" ("id" INTEGER NOT NULL);
        ALTER TABLE "signing_keys" DROP COLUMN "retired_at";
        ALTER TABLE "signing_keys" ADD COLUMN "note" TEXT;
        ALTER TABLE "api_keys" ALTER COLUMN "hash" TYPE VARCHAR(64);
        ALTER TABLE "api_keys" ALTER COLUMN "imported" SET DEFAULT true;
        ALTER TABLE "companies" ALTER COLUMN "key_prefix" DROP DEFAULT;
        ALTER TABLE "alerts" ALTER COLUMN "fired_at" TYPE TIMESTAMP(3);
        ALTER TABLE "usage_buckets" DROP CONSTRAINT "usage_buckets_pkey";
        ALTER TABLE "usage_buckets" ADD CONSTRAINT "usage_buckets_pkey" PRIMARY KEY ("key_id", "outcome", "minute");
        DROP INDEX "users_email_key";
        CREATE INDEX "users_email_key" ON "users"("email");
        DROP INDEX "api_keys_company_id_id_idx";
        CREATE INDEX "api_keys_company_id_id_idx" ON "api_keys"("company_id", "id");
        ALTER TABLE "alerts" DROP CONSTRAINT "alerts_rule_id_fkey";
        ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
      `,
    });
    expect(drift).toEqual([
      "enum Extra: not in the schema",
      "enum Role: expected values [owner, admin, viewer], found [owner, admin, viewer, auditor]",
      `alerts.fired_at: expected "timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP", found "timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP"`,
      "alerts: missing foreign key alerts_rule_id_fkey (rule_id) REFERENCES alert_rules (id) ON DELETE CASCADE ON UPDATE CASCADE",
      "alerts: unexpected foreign key alerts_rule_id_fkey (rule_id) REFERENCES alert_rules (id) ON DELETE RESTRICT ON UPDATE CASCADE",
      `api_keys.hash: expected "character(64) NOT NULL", found "character varying(64) NOT NULL"`,
      `api_keys.imported: expected "boolean NOT NULL DEFAULT false", found "boolean NOT NULL DEFAULT true"`,
      "api_keys: missing index api_keys_company_id_id_idx (company_id, id DESC)",
      "api_keys: unexpected index api_keys_company_id_id_idx (company_id, id)",
      `companies.key_prefix: expected "text NOT NULL DEFAULT 'kw'", found "text NOT NULL"`,
      "table extra: not in the schema",
      `signing_keys.note: not in the schema (found "text")`,
      `signing_keys.retired_at: missing (expected "timestamp(3) with time zone")`,
      "usage_buckets: expected primary key usage_buckets_pkey (key_id, minute, outcome), found usage_buckets_pkey (key_id, outcome, minute)",
      "users: missing index UNIQUE users_email_key (email)",
      "users: unexpected index users_email_key (email)",
    ]);
  });
});
