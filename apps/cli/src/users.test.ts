// `keyward users reset-password` and `disable-2fa` as an operator runs them: the real executable
// against a fresh database. The new password logs in the way the dashboard checks it, and the
// user's sessions end; a user whose two-factor sign-in is turned off signs in with the password alone.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  aesSecretBox,
  authenticateUser,
  beginTwoFactor,
  checkSession,
  confirmTwoFactor,
  openSession,
  PasswordLogins,
  setupFirstCompany,
  twoFactorStatus,
} from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { generateSync } from "otplib";
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

describe("users disable-2fa", () => {
  it("turns it off: the seed and the recovery codes are gone, and the password alone signs in; a second run says it was off", async () => {
    const box = aesSecretBox(Buffer.alloc(32, 3));
    const user = await db.user.findUniqueOrThrow({ where: { email: EMAIL } });
    const { secret } = await beginTwoFactor(db, box, user.id);
    const now = new Date();
    const confirmed = await confirmTwoFactor(
      db,
      box,
      { userId: user.id, code: generateSync({ secret, epoch: Math.floor(now.getTime() / 1000) }) },
      now,
    );
    expect(confirmed.ok).toBe(true);
    const logins = new PasswordLogins({ db, hashing: CHEAP, secretBox: box });
    const password = "chosen by the operator";
    expect(await logins.attempt({ email: EMAIL, password, ip: null })).toEqual({ ok: false, reason: "code_required" });

    const run = await cli(["users", "disable-2fa", "--email", "OWNER@acme.test"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Two-factor sign-in of ${EMAIL} turned off; their password alone signs in now.\n`);
    expect(await twoFactorStatus(db, user.id)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await db.userRecoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await logins.attempt({ email: EMAIL, password, ip: null })).toMatchObject({ ok: true });

    const again = await cli(["users", "disable-2fa", "--email", EMAIL]);
    expect(again.stdout).toBe(`Two-factor sign-in of ${EMAIL} was not on; nothing changed.\n`);
  });

  it("refuses an unknown email (exit 2)", async () => {
    const run = await cli(["users", "disable-2fa", "--email", "nobody@acme.test"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("No user with the email nobody@acme.test");
  });
});
