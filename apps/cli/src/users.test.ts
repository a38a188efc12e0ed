// `keyward users reset-password` as an operator runs it: the real executable against a fresh
// database. The new password logs in the way the dashboard checks it, and the user's sessions end.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { authenticateUser, checkSession, openSession, setupFirstCompany } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "./testing/run-cli";

vi.setConfig({ testTimeout: 120_000 });

const BIN = fileURLToPath(new URL("../bin/keyward.js", import.meta.url));
const EMAIL = "owner@acme.test";
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

let database: TestDatabase;
let db: Db;

const cli = (args: string[]) =>
  runCli(BIN, args, { cwd: mkdtempSync(join(tmpdir(), "kw-users-")), env: { DATABASE_URL: database.url } });

const session = async () => {
  const user = await db.user.findUniqueOrThrow({ where: { email: EMAIL } });
  const id = await openSession(db, {
    userId: user.id,
    kind: "dashboard",
    ip: null,
    userAgent: "test",
    expiresAt: new Date(Date.now() + 3600_000),
  });
  return { id, userId: user.id };
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  await setupFirstCompany(db, { company: "Acme", email: EMAIL, password: "correct horse battery" }, { hashing: CHEAP });
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe("users reset-password", () => {
  it("without --password: prints a generated password once, which logs in; the old one does not; sessions end", async () => {
    const open = await session();
    const run = await cli(["users", "reset-password", "--email", "Owner@Acme.test"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Password of ${EMAIL} reset; 1 session signed out.`);
    const password = /^New password \(generated, shown once\): (\S+)$/m.exec(run.stdout)?.[1] ?? "";
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(await authenticateUser(db, EMAIL, password, { hashing: CHEAP })).toMatchObject({ ok: true });
    expect(await authenticateUser(db, EMAIL, "correct horse battery", { hashing: CHEAP })).toMatchObject({ ok: false });
    expect(await checkSession(db, open.id, open.userId)).toBe(false);
  });

  it("with --password: sets that one and prints no password", async () => {
    const run = await cli(["users", "reset-password", "--email", EMAIL, "--password", "chosen by the operator"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain("chosen by the operator");
    expect(run.stdout).not.toContain("New password");
    expect(await authenticateUser(db, EMAIL, "chosen by the operator", { hashing: CHEAP })).toMatchObject({ ok: true });
  });

  it("refuses an unknown email and a short password (exit 2); nothing changes", async () => {
    const before = (await db.user.findUniqueOrThrow({ where: { email: EMAIL } })).passwordHash;
    const [unknown, short] = await Promise.all([
      cli(["users", "reset-password", "--email", "nobody@acme.test"]),
      cli(["users", "reset-password", "--email", EMAIL, "--password", "short"]),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No user with the email nobody@acme.test");
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("12 characters");
    expect((await db.user.findUniqueOrThrow({ where: { email: EMAIL } })).passwordHash).toBe(before);
  });
});
