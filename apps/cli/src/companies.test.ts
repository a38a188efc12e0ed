// `keyward companies|operators|operator-keys` as an operator runs them: the real executable
// (bin/keyward.js, through its shebang) against a fresh database, host access as the authority.
// Keys it prints are checked the way the enforcement path finds them (by hash), passwords the way
// the login does.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashKey } from "@keyward/auth-core";
import { authenticateUser, findKeyRecordByHash, getCompany, setupFirstCompany } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type CliRun, runCli } from "./testing/run-cli";

// Every CLI run is a Node process with tsx: seconds each on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const BIN = fileURLToPath(new URL("../bin/keyward.js", import.meta.url));
const EMAIL = "owner@acme.test";
const PASSWORD = "correct horse battery";

let database: TestDatabase;
let db: Db;

/** One run of the executable, in an empty directory of its own (so a stray file would show). */
const cli = (args: string[], cwd = mkdtempSync(join(tmpdir(), "kw-companies-"))) =>
  runCli(BIN, args, { cwd, env: { DATABASE_URL: database.url } });

const line = (stdout: string, name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(stdout)?.[1] ?? "";
const idIn = (stdout: string) => /\(([0-9a-f-]{36})\)/.exec(stdout)?.[1] ?? "";
const memberships = (email: string) => db.membership.count({ where: { user: { email } } });

async function createCompany(name: string, ownerEmail: string): Promise<string> {
  const run = await cli(["companies", "create", "--name", name, "--owner-email", ownerEmail, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout).company.id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  // Cheap hashing for this first owner: the setup transaction has 5 s, and two test files start at once.
  await setupFirstCompany(
    db,
    { company: "Acme", email: EMAIL, password: PASSWORD },
    { hashing: { N: 2 ** 10, r: 8, p: 1 } },
  );
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe("companies create", () => {
  it("a new owner: company, owner with a generated password, two working keys printed once, no file", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "kw-companies-"));
    const run = await cli(["companies", "create", "--name", "Globex", "--owner-email", "Hank@Globex.test"], cwd);
    expect(run.code, run.stderr).toBe(0);
    const companyId = idIn(run.stdout);
    expect(run.stdout).toContain(`Created company "Globex" (${companyId}), key prefix kw.`);
    expect(run.stdout).toContain("Owner: hank@globex.test, a new user.");

    const adminKey = line(run.stdout, "KEYWARD_ADMIN_KEY");
    const readOnlyKey = line(run.stdout, "KEYWARD_READONLY_KEY");
    expect(run.stdout.split(adminKey)).toHaveLength(2);
    expect(run.stdout.split(readOnlyKey)).toHaveLength(2);
    expect(await findKeyRecordByHash(db, hashKey(adminKey))).toMatchObject({
      companyId,
      scopes: ["*"],
      environment: "live",
      revokedAt: null,
      companySuspended: false,
    });
    expect(await findKeyRecordByHash(db, hashKey(readOnlyKey))).toMatchObject({
      companyId,
      scopes: ["*:read"],
      environment: "test",
    });

    const password = /Dashboard password \(generated, shown once\): (\S+)/.exec(run.stdout)?.[1] ?? "";
    const login = await authenticateUser(db, "hank@globex.test", password);
    expect(login.ok && login.user.companyId).toBe(companyId);
    expect(run.stdout).toContain("not stored anywhere");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("an existing user becomes owner of the new company too; their password stays", async () => {
    expect(await memberships(EMAIL)).toBe(1);
    const run = await cli([
      "companies",
      "create",
      "--name",
      "Initech",
      "--owner-email",
      EMAIL,
      "--owner-password",
      "another long passphrase",
      "--prefix",
      "ini",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Owner: ${EMAIL}, an existing user, now also owner of this company`);
    expect(run.stdout).toContain("--owner-password was not used");
    expect(run.stdout).not.toContain("Dashboard password");
    expect(await memberships(EMAIL)).toBe(2);
    const companyId = idIn(run.stdout);
    const membership = await db.membership.findFirstOrThrow({ where: { companyId, user: { email: EMAIL } } });
    expect(membership.role).toBe("owner");
    expect(line(run.stdout, "KEYWARD_ADMIN_KEY")).toMatch(/^ini_live_/);
    expect((await authenticateUser(db, EMAIL, PASSWORD, { company: companyId })).ok).toBe(true);
    expect((await authenticateUser(db, EMAIL, "another long passphrase")).ok).toBe(false);
  });

  it("--env-file writes both keys to a new file (mode 0600); --json prints one object holding them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kw-env-"));
    const path = join(dir, "umbrella.env");
    const run = await cli([
      "companies",
      "create",
      "--name",
      "Umbrella",
      "--owner-email",
      "alice@umbrella.test",
      "--owner-password",
      "a long passphrase!",
      "--env-file",
      path,
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({
      company: { name: "Umbrella", status: "active", activeKeys: 2, members: 1 },
      owner: { email: "alice@umbrella.test", created: true, generatedPassword: null },
      adminKey: { scopes: ["*"], environment: "live" },
      readOnlyKey: { scopes: ["*:read"], environment: "test" },
      envFile: path,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe(
      `KEYWARD_ADMIN_KEY=${answer.adminKey.key}\nKEYWARD_READONLY_KEY=${answer.readOnlyKey.key}\n`,
    );
    expect((await findKeyRecordByHash(db, hashKey(answer.adminKey.key)))?.companyId).toBe(answer.company.id);
  });

  it("exit 2 naming the flag for an invalid email, a short password or a bad prefix; nothing created", async () => {
    const before = await db.company.count();
    const cases: [string[], RegExp][] = [
      [["--owner-email", "not-an-email"], /--owner-email: /],
      [["--owner-email", "new@x.test", "--owner-password", "short"], /--owner-password: Use at least 12 characters/],
      [["--owner-email", "new@x.test", "--prefix", "NO"], /--prefix: /],
      [["--owner-email", "new@x.test", "--name", "   "], /--name: Enter a name/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(["companies", "create", "--name", "Bad", ...args])));
    runs.forEach((run, i) => {
      const [args, message] = cases[i] as [string[], RegExp];
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(message);
    });
    expect(await db.company.count()).toBe(before);
  });
});

describe("companies list, suspend, resume, delete", () => {
  it("list --json has every company with its counts; the table shows the same", async () => {
    const run = await cli(["companies", "list", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const { data } = JSON.parse(run.stdout) as { data: { name: string; activeKeys: number; members: number }[] };
    expect(data.length).toBe(await db.company.count());
    expect(data.find((c) => c.name === "Acme")).toMatchObject({ status: "active", activeKeys: 2, members: 1 });
    const table = await cli(["companies", "list"]);
    expect(table.stdout).toMatch(/id .* name .* status .* active keys .* members .* last activity/);
    expect(table.stdout).toMatch(/Acme\s+│ active\s+│ 2\s+│ 1\s+│ -/);
  });

  it("suspend refuses the company's keys, resume lets them in again; by name or id", async () => {
    const run = await cli(["companies", "create", "--name", "Hooli", "--owner-email", "gavin@hooli.test", "--json"]);
    const { company, adminKey } = JSON.parse(run.stdout);
    const record = () => findKeyRecordByHash(db, hashKey(adminKey.key));

    const suspended = await cli(["companies", "suspend", "Hooli"]);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.stdout).toContain(`Suspended Hooli (${company.id})`);
    expect((await getCompany(db, company.id)).status).toBe("suspended");
    expect((await record())?.companySuspended).toBe(true);
    const again = await cli(["companies", "suspend", company.id]);
    expect(again.stdout).toContain("was already suspended: nothing changed");

    const resumed = await cli(["companies", "resume", company.id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Resumed Hooli (${company.id})`);
    expect((await getCompany(db, company.id)).status).toBe("active");
    expect((await record())?.companySuspended).toBe(false);
  });

  it("delete refuses without --yes when nobody can confirm; with --yes the company and its keys are gone", async () => {
    const run = await cli([
      "companies",
      "create",
      "--name",
      "Vandelay",
      "--owner-email",
      "art@vandelay.test",
      "--json",
    ]);
    const { company, adminKey } = JSON.parse(run.stdout);

    const refused = await cli(["companies", "delete", "Vandelay"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no terminal to confirm on; nothing was changed \(add --yes to confirm\)/);
    expect((await getCompany(db, company.id)).name).toBe("Vandelay");

    const deleted = await cli(["companies", "delete", "Vandelay", "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(`Deleted Vandelay (${company.id}); its 2 keys stop`);
    expect(await db.company.findUnique({ where: { id: company.id } })).toBeNull();
    expect(await findKeyRecordByHash(db, hashKey(adminKey.key))).toBeNull();
    // The owner stays a user (they may belong elsewhere); only the membership went.
    expect(await db.user.count({ where: { email: "art@vandelay.test" } })).toBe(1);
    expect(await memberships("art@vandelay.test")).toBe(0);
  });

  it("delete on a terminal deletes only when the name is typed again", async () => {
    const companyId = await createCompany("Soylent", "sol@soylent.test");
    // `script` gives the command a terminal (a pty) whose input is what the test writes.
    const onTerminal = (typed: string) => {
      const child = spawn("script", ["-qec", `'${BIN}' companies delete Soylent`, "/dev/null"], {
        env: { ...process.env, NODE_ENV: "test", DATABASE_URL: database.url },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stdin.end(`${typed}\n`);
      return new Promise<CliRun>((resolve) =>
        child.once("exit", (code) => resolve({ code, stdout: output, stderr: "" })),
      );
    };
    const wrong = await onTerminal("Soylent Green");
    expect(wrong.stdout).toContain('Type "Soylent" to confirm');
    expect(wrong.stdout).toContain("the name did not match: nothing was deleted");
    expect(wrong.code).toBe(1);
    expect((await getCompany(db, companyId)).name).toBe("Soylent");
    const right = await onTerminal("Soylent");
    expect(right.code, right.stdout).toBe(0);
    expect(await db.company.findUnique({ where: { id: companyId } })).toBeNull();
  });

  it("a name two companies share is refused with their ids (exit 2); the id picks one; unknown or overlong → exit 2", async () => {
    const first = await createCompany("Twin", "one@twin.test");
    const second = await createCompany("Twin", "two@twin.test");
    const commands = [
      ["suspend", "Twin"],
      ["resume", "Twin"],
      ["delete", "Twin", "--yes"],
    ];
    const [runs, unknown, tooLong] = await Promise.all([
      Promise.all(commands.map((args) => cli(["companies", ...args]))),
      cli(["companies", "suspend", "Nobody Inc"]),
      cli(["companies", "suspend", "x".repeat(121)]),
    ]);
    runs.forEach((run, i) => {
      expect(run.code, commands[i]?.join(" ")).toBe(2);
      expect(run.stderr).toContain(`Several companies are named "Twin"`);
      expect(run.stderr).toContain(first);
      expect(run.stderr).toContain(second);
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`No company "Nobody Inc"`);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain("At most 120 characters");
    expect(await db.company.count({ where: { name: "Twin", suspendedAt: null } })).toBe(2);

    const byId = await cli(["companies", "suspend", second]);
    expect(byId.code, byId.stderr).toBe(0);
    expect((await getCompany(db, first)).status).toBe("active");
    expect((await getCompany(db, second)).status).toBe("suspended");
  });
});

describe("operators", () => {
  it("grant and revoke by email, list shows them", async () => {
    await createCompany("Stark", "tony@stark.test");
    const granted = await cli(["operators", "grant", "--email", "tony@stark.test"]);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain("tony@stark.test is now an operator.");
    expect((await db.user.findUniqueOrThrow({ where: { email: "tony@stark.test" } })).operator).toBe(true);
    const listed = JSON.parse((await cli(["operators", "list", "--json"])).stdout) as { data: { email: string }[] };
    expect(listed.data.map((o) => o.email)).toEqual([EMAIL, "tony@stark.test"]);

    const revoked = await cli(["operators", "revoke", "--email", "tony@stark.test"]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain("tony@stark.test is no longer an operator.");
    expect((await db.user.findUniqueOrThrow({ where: { email: "tony@stark.test" } })).operator).toBe(false);
    const table = await cli(["operators", "list"]);
    expect(table.stdout).toContain(EMAIL);
    expect(table.stdout).not.toContain("tony@stark.test");
  });

  it("exit 2 for an email no user has, or not an email; nothing changes", async () => {
    const before = await db.user.count({ where: { operator: true } });
    const [grant, revoke, invalid] = await Promise.all([
      cli(["operators", "grant", "--email", "nobody@nowhere.test"]),
      cli(["operators", "revoke", "--email", "nobody@nowhere.test"]),
      cli(["operators", "grant", "--email", "not an email"]),
    ]);
    for (const unknown of [grant, revoke]) {
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("No user with the email nobody@nowhere.test");
    }
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("Not an email address");
    expect(await db.user.count({ where: { operator: true } })).toBe(before);
  });
});

describe("operator-keys", () => {
  it("create prints KEYWARD_OPERATOR_KEY once (a key of no company); list; revoke by its start", async () => {
    const run = await cli(["operator-keys", "create", "--name", "billing", "--scopes", "keys:verify companies:read"]);
    expect(run.code, run.stderr).toBe(0);
    const secret = line(run.stdout, "KEYWARD_OPERATOR_KEY");
    expect(secret).toMatch(/^kwop_live_/);
    expect(run.stdout.split(secret)).toHaveLength(2);
    const record = await findKeyRecordByHash(db, hashKey(secret));
    expect(record).toMatchObject({ companyId: null, scopes: ["companies:read", "keys:verify"], revokedAt: null });

    const json = await cli([
      "operator-keys",
      "create",
      "--name",
      "sync",
      "--scopes",
      "companies:write,keys:verify",
      "--json",
    ]);
    expect(json.code, json.stderr).toBe(0);
    const created = JSON.parse(json.stdout);
    expect(created).toMatchObject({ name: "sync", scopes: ["companies:write", "keys:verify"], status: "active" });
    expect((await findKeyRecordByHash(db, hashKey(created.key)))?.id).toBe(created.id);

    const listed = await cli(["operator-keys", "list", "--json"]);
    const { data } = JSON.parse(listed.stdout) as { data: { id: string; name: string; start: string }[] };
    expect(data.map((k) => k.name)).toEqual(["billing", "sync"]);
    expect(listed.stdout).not.toContain(secret);
    const billing = data[0] as { id: string; start: string };
    expect(secret.startsWith(billing.start)).toBe(true);

    const revoked = await cli(["operator-keys", "revoke", billing.start]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked billing (${billing.id}).`);
    expect((await findKeyRecordByHash(db, hashKey(secret)))?.revokedAt).toBeInstanceOf(Date);
    const table = await cli(["operator-keys", "list"]);
    expect(table.stdout).toMatch(/billing .*│ revoked/);
    expect(table.stdout).toMatch(/sync .*│ active/);
  });

  it("exit 2 for a scope an operator key cannot have, and for an unknown key to revoke", async () => {
    const scope = await cli(["operator-keys", "create", "--name", "x", "--scopes", "keys:verify,keys:write"]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/--scopes: An operator key's scopes are keys:verify, companies:read, companies:write/);
    const unknown = await cli(["operator-keys", "revoke", "kwop_live_none"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Operator key not found");
  });
});
