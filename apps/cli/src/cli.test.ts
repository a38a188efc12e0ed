// The CLI as a subprocess against a real API process on a fresh database: login/logout and the
// 0600 config file, keys list|show|create|update|rotate|revoke (tables and --json), KEYWARD_API_KEY,
// exit codes (0 ok, 1 refused, 2 usage), --help everywhere, and audit verify naming a broken link.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ApiProcess, startApiProcess } from "@keyward/api/testing";
import { freePort } from "@keyward/child-servers";
import { createKey, setupFirstCompany } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { runCli } from "./testing/run-cli";

// Every CLI run is a Node process with tsx: seconds each on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const EMAIL = "owner@acme.test";
const PASSWORD = "correct horse battery";

let database: TestDatabase;
let db: Db;
let api: ApiProcess;
let companyId: string;
let adminKey: string;
let readOnlyKey: string;

/** One CLI run with its own config dir (so no real ~/.keyward is touched). */
const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(process.execPath, ["--import", "tsx", MAIN, ...args], {
    env: { KEYWARD_API_KEY: undefined, KEYWARD_API_URL: undefined, DATABASE_URL: database.url, ...env },
  });

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  const setup = await setupFirstCompany(db, { company: "Acme", email: EMAIL, password: PASSWORD });
  companyId = setup.companyId;
  adminKey = setup.adminKey.secret;
  readOnlyKey = setup.readOnlyKey.secret;
  api = await startApiProcess({ DATABASE_URL: database.url, NODE_ENV: "test" });
});

afterAll(async () => {
  await api?.stop();
  await db?.$disconnect();
  await database?.drop();
});

describe("login and logout", () => {
  it("login stores {apiUrl, token} in config.yaml with mode 0600; logout forgets it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kw-cli-"));
    const env = { KEYWARD_CONFIG_DIR: dir };
    const login = await cli(["login", "--email", EMAIL, "--password", PASSWORD, "--api-url", api.url], env);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`as ${EMAIL} (owner)`);
    const file = join(dir, "config.yaml");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = parse(readFileSync(file, "utf8"));
    expect(stored.apiUrl).toBe(api.url);
    expect(stored.token.split(".")).toHaveLength(3);
    expect(login.stdout).not.toContain(stored.token);

    const list = await cli(["keys", "list"], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("Admin");

    const logout = await cli(["logout"], env);
    expect(logout.code).toBe(0);
    expect(existsSync(file)).toBe(false);
    const after = await cli(["keys", "list"], env);
    expect(after.code).toBe(2);
    expect(after.stderr).toMatch(/not logged in: run `pnpm keyward login --email .* or set KEYWARD_API_KEY/);
  });

  it("HOME decides where config.yaml goes when KEYWARD_CONFIG_DIR is unset", async () => {
    const home = mkdtempSync(join(tmpdir(), "kw-home-"));
    const run = await cli(["login", "--email", EMAIL, "--password", PASSWORD, "--api-url", api.url], {
      HOME: home,
      KEYWARD_CONFIG_DIR: undefined,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(join(home, ".keyward", "config.yaml")).mode & 0o777).toBe(0o600);
  });

  it("exit 1 for a wrong password (the API refused), exit 2 without --password", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kw-cli-"));
    const wrong = await cli(["login", "--email", EMAIL, "--password", "wrong password!!", "--api-url", api.url], {
      KEYWARD_CONFIG_DIR: dir,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/401 UNAUTHORIZED.*check the email and password/);
    expect(existsSync(join(dir, "config.yaml"))).toBe(false);
    const missing = await cli(["login", "--email", EMAIL], { KEYWARD_CONFIG_DIR: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--password");
  });

  it("exit 1 with what to do when the API is not reachable", async () => {
    const port = await freePort();
    const run = await cli(["keys", "list"], { KEYWARD_API_KEY: adminKey, KEYWARD_API_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach the API at http:\/\/127\.0\.0\.1:\d+: is it running/);
  });
});

describe("keys with KEYWARD_API_KEY", () => {
  const asAdmin = () => ({ KEYWARD_API_KEY: adminKey, KEYWARD_API_URL: api.url });

  it("create prints the secret once; list, show (table and --json); rotate with grace; revoke", async () => {
    const created = await cli(
      [
        "keys",
        "create",
        "--name",
        "ci reader",
        "--preset",
        "read-only",
        "--environment",
        "test",
        "--rate-limit",
        "100/60s",
      ],
      asAdmin(),
    );
    expect(created.code, created.stderr).toBe(0);
    const secret = /^(kw_test_\S+)$/m.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(created.stdout.split(secret ?? "").length).toBe(2);
    expect(created.stdout).toContain("will not be shown again");
    const id = /│ id\s+│ (\S+)/.exec(created.stdout)?.[1] ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await cli(["keys", "list", "--environment", "test", "--json"], asAdmin());
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout);
    expect(page.data.map((k: { id: string }) => k.id)).toContain(id);
    expect(listed.stdout).not.toContain(secret);
    const table = await cli(["keys", "list", "--q", "ci reader"], asAdmin());
    expect(table.stdout).toMatch(/ci reader.*kw_test_/);

    const shown = await cli(["keys", "show", id, "--json"], asAdmin());
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, name: "ci reader", scopes: ["*:read"], environment: "test" });
    const shownTable = await cli(["keys", "show", id], asAdmin());
    expect(shownTable.stdout).toMatch(/rate limit\s+│ 100 per 60s/);

    const rotated = await cli(["keys", "rotate", id, "--grace", "1h", "--json"], asAdmin());
    expect(rotated.code, rotated.stderr).toBe(0);
    const answer = JSON.parse(rotated.stdout);
    expect(answer.rotatedFrom).toBe(id);
    expect(answer.key).toMatch(/^kw_test_/);
    expect(new Date(answer.oldKeyExpiresAt).getTime() - Date.now()).toBeGreaterThan(3500_000);
    const old = await cli(["keys", "show", id, "--json"], asAdmin());
    expect(JSON.parse(old.stdout).status).toBe("expiring");

    const revoked = await cli(["keys", "revoke", answer.id, "--reason", "test over"], asAdmin());
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ci reader (${answer.id})`);
    const after = await cli(["keys", "show", answer.id, "--json"], asAdmin());
    expect(JSON.parse(after.stdout)).toMatchObject({ status: "revoked", revokedReason: "test over" });
  });

  it("create with --scopes, --ip-allowlist and --expires-at; list pages with --limit and --cursor, filters by --status", async () => {
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await cli(
      [
        "keys",
        "create",
        "--name",
        "office fleet",
        "--scopes",
        "vehicles:read,keys:read",
        "--ip-allowlist",
        "10.0.0.0/8,192.168.1.7",
        "--expires-at",
        expiresAt,
        "--json",
      ],
      asAdmin(),
    );
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      scopes: ["keys:read", "vehicles:read"],
      ipAllowlist: ["10.0.0.0/8", "192.168.1.7"],
      expiresAt,
      environment: "live",
    });
    const first = JSON.parse((await cli(["keys", "list", "--limit", "1", "--json"], asAdmin())).stdout);
    expect(first.data).toHaveLength(1);
    expect(first.nextCursor).toBeTruthy();
    const second = JSON.parse(
      (await cli(["keys", "list", "--limit", "1", "--cursor", first.nextCursor, "--json"], asAdmin())).stdout,
    );
    expect(second.data[0].id).not.toBe(first.data[0].id);
    const revoked = JSON.parse((await cli(["keys", "list", "--status", "revoked", "--json"], asAdmin())).stdout);
    expect(revoked.data.every((k: { status: string }) => k.status === "revoked")).toBe(true);
  });

  it("exit 1 for refusals: 404 unknown id, 403 read-only key creating, 400 bad scope", async () => {
    const unknown = await cli(["keys", "show", "00000000-0000-7000-8000-000000000000"], asAdmin());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404 NOT_FOUND/);
    const readOnly = await cli(["keys", "create", "--name", "x", "--scopes", "keys:read"], {
      KEYWARD_API_KEY: readOnlyKey,
      KEYWARD_API_URL: api.url,
    });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/403 FORBIDDEN.*lacks a scope/);
    const badScope = await cli(["keys", "create", "--name", "x", "--scopes", "nope"], asAdmin());
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toMatch(/400 VALIDATION_FAILED/);
    const badKey = await cli(["keys", "list"], { KEYWARD_API_KEY: "kw_live_nope", KEYWARD_API_URL: api.url });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/401.*KEYWARD_API_KEY was refused/);
  });

  it("exit 2 for usage errors, each saying what to write", async () => {
    const cases: [string[], RegExp][] = [
      [["keys", "create", "--name", "x"], /either --scopes .* or --preset/],
      [["keys", "create", "--name", "x", "--preset", "root"], /admin or read-only/],
      [["keys", "create", "--name", "x", "--scopes", "a:read", "--environment", "prod"], /live or test/],
      [["keys", "create", "--name", "x", "--scopes", "a:read", "--rate-limit", "lots"], /100\/60s/],
      [["keys", "rotate", "some-id", "--grace", "soon"], /1h, 24h or 7d/],
      [["keys", "show"], /missing required argument/],
      [["keys", "frobnicate"], /unknown command/],
      [["nope"], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args, asAdmin());
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(message);
    }
  }, 180_000);
});

describe("keys update", () => {
  const asAdmin = () => ({ KEYWARD_API_KEY: adminKey, KEYWARD_API_URL: api.url });
  const owner = { type: "system" as const };

  it('changes every field, keeps the secret, clears with "", none, never and null; the audit log names the fields', async () => {
    const { key } = await createKey(
      db,
      companyId,
      { name: "fleet sync", scopes: ["vehicles:read"], environment: "live" },
      owner,
    );
    const expiresAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const updated = await cli(
      [
        "keys",
        "update",
        key.id,
        "--name",
        "fleet sync v2",
        "--scopes",
        "vehicles:read vehicles:write, keys:read",
        "--ip-allowlist",
        "10.0.0.0/8, 192.168.1.7",
        "--rate-limit",
        "5/1h",
        "--expires-at",
        expiresAt,
        "--metadata",
        '{"team":"fleet"}',
        "--json",
      ],
      asAdmin(),
    );
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({
      id: key.id,
      start: key.start,
      name: "fleet sync v2",
      scopes: ["keys:read", "vehicles:read", "vehicles:write"],
      ipAllowlist: ["10.0.0.0/8", "192.168.1.7"],
      rateLimit: { limit: 5, windowSeconds: 3600 },
      expiresAt,
      metadata: { team: "fleet" },
    });
    const event = await db.auditEvent.findFirstOrThrow({ where: { keyId: key.id, action: "key.updated" } });
    expect(event.metadata).toEqual({
      changed: ["expiresAt", "ipAllowlist", "metadata", "name", "rateLimit", "scopes"],
    });

    const cleared = await cli(
      [
        "keys",
        "update",
        key.id,
        "--ip-allowlist",
        "",
        "--rate-limit",
        "none",
        "--expires-at",
        "never",
        "--metadata",
        "null",
      ],
      asAdmin(),
    );
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/name\s+│ fleet sync v2/);
    expect(cleared.stdout).toMatch(/ip allowlist\s+│ any/);
    expect(cleared.stdout).toMatch(/rate limit\s+│ none/);
    expect(cleared.stdout).toMatch(/expires\s+│ -/);
    expect(cleared.stdout).toMatch(/metadata\s+│ none/);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row).toMatchObject({ ipAllowlist: [], rateLimit: null, expiresAt: null, metadata: null });
  });

  it("refusals: exit 1 for the API's (403 beyond the caller's scopes, 400, 404, 409 revoked), exit 2 for usage", async () => {
    const { key } = await createKey(
      db,
      companyId,
      { name: "payroll", scopes: ["payroll:read"], environment: "live" },
      owner,
    );
    // A credential that may manage keys but holds only some scopes cannot grant more than it holds.
    const manager = await createKey(
      db,
      companyId,
      { name: "key manager", scopes: ["keys:write", "keys:read", "payroll:read"], environment: "live" },
      owner,
    );
    const asManager = { KEYWARD_API_KEY: manager.secret, KEYWARD_API_URL: api.url };
    const widened = await cli(["keys", "update", key.id, "--scopes", "*"], asManager);
    expect(widened.code).toBe(1);
    expect(widened.stderr).toMatch(/403 FORBIDDEN.*own scopes cover/);
    const renamed = await cli(["keys", "update", key.id, "--name", "payroll reader"], asManager);
    expect(renamed.code, renamed.stderr).toBe(0);

    const readOnly = await cli(["keys", "update", key.id, "--name", "x"], {
      KEYWARD_API_KEY: readOnlyKey,
      KEYWARD_API_URL: api.url,
    });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/403 FORBIDDEN/);
    const badIp = await cli(["keys", "update", key.id, "--ip-allowlist", "10.0.0.0/99"], asAdmin());
    expect(badIp.code).toBe(1);
    expect(badIp.stderr).toMatch(/400 VALIDATION_FAILED[\s\S]*ipAllowlist.0: Not an IP address or CIDR range/);
    const unknown = await cli(["keys", "update", "00000000-0000-7000-8000-000000000000", "--name", "x"], asAdmin());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404 NOT_FOUND/);
    await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const revoked = await cli(["keys", "update", key.id, "--name", "x"], asAdmin());
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/409 CONFLICT.*revoked key cannot be changed/);

    const usageCases: [string[], RegExp][] = [
      [["keys", "update", key.id], /at least one of --name/],
      [["keys", "update", key.id, "--rate-limit", "lots"], /100\/60s/],
      [["keys", "update", key.id, "--metadata", "{team"], /--metadata: not JSON/],
    ];
    for (const [args, message] of usageCases) {
      const run = await cli(args, asAdmin());
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(message);
    }
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row).toMatchObject({ name: "payroll reader", scopes: ["payroll:read"] });
  }, 240_000);
});

describe("the keyward executable", () => {
  const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
  const env = () => ({ ...process.env, NODE_ENV: "test", KEYWARD_API_KEY: adminKey, KEYWARD_API_URL: api.url });

  it("`pnpm keyward keys list --json` from the repository root prints exactly the JSON on stdout", async () => {
    const { code, stdout, stderr } = await runCli("pnpm", ["keyward", "keys", "list", "--json"], {
      cwd: REPO_ROOT,
      env: { KEYWARD_API_KEY: adminKey, KEYWARD_API_URL: api.url },
    });
    expect(code, stderr).toBe(0);
    const listed = JSON.parse(stdout) as { data: { id: string }[] };
    expect(listed.data.length).toBeGreaterThan(0);
    expect(stderr).toBe("");
  });

  it("a reader that closes the pipe before the output (`| head`) ends it quietly with exit 0", async () => {
    const bin = join(REPO_ROOT, "apps/cli/bin/keyward.js");
    const child = spawn(process.execPath, [bin, "keys", "list"], { env: env(), stdio: ["ignore", "pipe", "pipe"] });
    // The read end is closed before the command writes: its first write fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("audit verify", () => {
  it("OK with the count, then exit 1 naming the first broken link (seq and id) after tampering", async () => {
    const ok = await cli(["audit", "verify"]);
    expect(ok.code, ok.stderr).toBe(0);
    const count = await db.auditEvent.count({ where: { companyId } });
    expect(ok.stdout).toContain(`OK Acme: ${count} events, the hash chain is intact.`);

    const target = await db.auditEvent.findFirstOrThrow({ where: { companyId, seq: 2 } });
    await db.$executeRaw`UPDATE audit_events SET reason = 'tampered' WHERE id = ${target.id}::uuid`;
    const broken = await cli(["audit", "verify", "--company", "Acme"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN Acme: first broken link at seq 2 (event ${target.id})`);
    const json = await cli(["audit", "verify", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, companies: [{ brokenAt: { seq: 2, id: target.id } }] });
    const unknown = await cli(["audit", "verify", "--company", "Nope"]);
    expect(unknown.code).toBe(2);
  }, 120_000);
});
