// `keyward guard` as a subprocess in front of a real upstream: every flag, the environment, the
// config file, the start banner (both headers, a fresh token per start), --auth-enabled=false,
// refusals to start (exit 2), the dashboard's secret and TTL with a database, managed keys with
// --route (of one company, or of all with --all-companies, told to the upstream as Keyward-Company-Id),
// and a 1 GiB upload with the guard's memory measured from /proc.

import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@keyward/child-servers";
import {
  changeGuardTokenTtl,
  createKey,
  regenerateGuardSecret,
  renewGuardToken,
  resolveGuardEncryptionKey,
} from "@keyward/core";
import { useCompanyDatabase } from "@keyward/db/vitest";
import { startUpstream, type Upstream } from "@keyward/guard/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type GuardProcess, runGuardToExit, startGuardProcess } from "./testing/guard-process";

// Every CLI run is a Node process with tsx: seconds each on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const SECRET = "cli-guard-secret-0123456789abcdef";
let upstream: Upstream;
const running: GuardProcess[] = [];
// No database for these runs: an empty data dir, so a `pnpm start` on this machine is not picked up.
const NO_DB = { DATABASE_URL: undefined, KEYWARD_DATA_DIR: mkdtempSync(join(tmpdir(), "kw-guard-data-")) };

async function guard(args: string[], env: Record<string, string | undefined> = {}): Promise<GuardProcess> {
  const started = await startGuardProcess(args, { ...NO_DB, ...env });
  running.push(started);
  return started;
}

beforeAll(async () => {
  upstream = await startUpstream();
});

afterAll(async () => {
  await Promise.all(running.map((g) => g.stop()));
  await upstream?.close();
});

const ttlOf = (token: string | null) => {
  const claims = decodeJwt(token ?? "");
  return (claims.exp ?? 0) - (claims.iat ?? 0);
};

describe("flags", () => {
  it("--upstream --auth-secret --auth-token-ttl --port --host: both headers printed and both work", async () => {
    const port = await freePort();
    const g = await guard([
      "--upstream",
      upstream.url,
      "--auth-secret",
      SECRET,
      "--auth-token-ttl",
      "90m",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
    ]);
    expect(g.url).toBe(`http://127.0.0.1:${port}`);
    expect(g.headers.key).toBe(SECRET);
    expect(ttlOf(g.headers.token)).toBe(5400);
    expect(decodeJwt(g.headers.token ?? "").iss).toBe("keyward-guard");
    expect(g.output()).toContain("expires after 90m");
    expect((await fetch(`${g.url}/a`, { headers: { "keyward-auth-key": SECRET } })).status).toBe(200);
    expect((await fetch(`${g.url}/a`, { headers: { "keyward-auth-token": g.headers.token ?? "" } })).status).toBe(200);
    expect((await fetch(`${g.url}/a`)).status).toBe(401);
  });

  it("a bare TTL is hours; every start prints a fresh token", async () => {
    const args = ["--upstream", upstream.url, "--auth-secret", SECRET, "--auth-token-ttl", "2", "--port", "0"];
    const first = await guard(args);
    const second = await guard(args);
    expect(ttlOf(first.headers.token)).toBe(7200);
    expect(second.headers.token).not.toBe(first.headers.token);
    // Both are signed with the secret, so both work on either guard until they expire.
    expect(
      (await fetch(`${second.url}/`, { headers: { "keyward-auth-token": first.headers.token ?? "" } })).status,
    ).toBe(200);
  });

  it("--auth-enabled=false passes everything and warns at start", async () => {
    const g = await guard(["--upstream", upstream.url, "--auth-enabled=false", "--port", "0"]);
    expect(g.output()).toMatch(/WARNING: authentication is DISABLED/);
    expect(g.headers.key).toBeNull();
    expect((await fetch(`${g.url}/open`)).status).toBe(200);
  });

  it("--route without a database: the banner says managed keys are not accepted", async () => {
    const g = await guard([
      "--upstream",
      upstream.url,
      "--auth-secret",
      SECRET,
      "--route",
      "GET /v/* -> v:read",
      "--port",
      "0",
    ]);
    expect(g.output()).toMatch(/Managed API keys are not accepted: no database/);
    expect((await fetch(`${g.url}/v/1`, { headers: { authorization: "Bearer kw_live_x" } })).status).toBe(401);
  });

  it("--help lists every flag", async () => {
    const run = await runGuardToExit(["--help"], NO_DB);
    expect(run.code).toBe(0);
    for (const flag of [
      "--upstream",
      "--auth-secret",
      "--auth-token-ttl",
      "--auth-enabled",
      "--port",
      "--host",
      "--route",
      "--config",
      "--company",
      "--all-companies",
    ]) {
      expect(run.output).toContain(flag);
    }
  });
});

describe("environment and config file", () => {
  it("KEYWARD_GUARD_* configure it; a flag overrides its variable", async () => {
    const port = await freePort();
    const g = await guard(["--auth-token-ttl", "3h"], {
      KEYWARD_GUARD_UPSTREAM: upstream.url,
      KEYWARD_GUARD_AUTH_SECRET: SECRET,
      KEYWARD_GUARD_AUTH_TOKEN_TTL: "1h",
      KEYWARD_GUARD_PORT: String(port),
      KEYWARD_GUARD_HOST: "127.0.0.1",
    });
    expect(g.url).toBe(`http://127.0.0.1:${port}`);
    expect(g.headers.key).toBe(SECRET);
    expect(ttlOf(g.headers.token)).toBe(3 * 3600);
  });

  it(".keyward.yaml (by --config or KEYWARD_GUARD_CONFIG) configures it; the environment overrides it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kw-guard-yaml-"));
    const file = join(dir, ".keyward.yaml");
    writeFileSync(
      file,
      `upstream: ${upstream.url}\nauthSecret: ${SECRET}\nauthTokenTtl: 45m\nport: 0\nroutes:\n  - "GET /v/* -> v:read"\n`,
    );
    const byFlag = await guard(["--config", file]);
    expect(byFlag.output()).toContain(`Settings from ${file}`);
    expect(byFlag.headers.key).toBe(SECRET);
    expect(ttlOf(byFlag.headers.token)).toBe(45 * 60);
    const byEnv = await guard([], { KEYWARD_GUARD_CONFIG: file, KEYWARD_GUARD_AUTH_TOKEN_TTL: "10m" });
    expect(ttlOf(byEnv.headers.token)).toBe(600);
  });
});

describe("refuses to start (exit 2) with a message that says what to do", () => {
  it("no secret anywhere: no implicit open mode", async () => {
    const run = await runGuardToExit(["--upstream", upstream.url, "--port", "0"], NO_DB);
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/no guard secret: pass --auth-secret.*--auth-enabled=false/s);
  });

  it("no upstream; a bad TTL; an unknown flag", async () => {
    expect((await runGuardToExit(["--auth-secret", SECRET], NO_DB)).output).toMatch(/no upstream: pass --upstream/);
    const badTtl = await runGuardToExit(
      ["--upstream", upstream.url, "--auth-secret", SECRET, "--auth-token-ttl", "soon"],
      NO_DB,
    );
    expect(badTtl.code).toBe(2);
    expect((await runGuardToExit(["--upstreem", upstream.url], NO_DB)).code).toBe(2);
  });
});

describe("with a database: dashboard settings and managed keys", () => {
  const t = useCompanyDatabase();
  const key = resolveGuardEncryptionKey({ encryptionKey: undefined, nodeEnv: "test", dataDir: "/nonexistent" });

  it("no secret anywhere else: the dashboard's secret and TTL; its renewed token passes", async () => {
    const secret = await regenerateGuardSecret(t.db, t.companyId, key, { type: "system" });
    await changeGuardTokenTtl(t.db, t.companyId, 7200, { type: "system" });
    const g = await guard(["--upstream", upstream.url, "--port", "0"], { DATABASE_URL: t.database.url });
    expect(g.headers.key).toBe(secret);
    expect(ttlOf(g.headers.token)).toBe(7200);
    const renewed = await renewGuardToken(t.db, t.companyId, key, { type: "system" });
    expect((await fetch(`${g.url}/`, { headers: { "keyward-auth-token": renewed.token } })).status).toBe(200);
    // A flag still wins over the dashboard.
    const flagged = await guard(["--upstream", upstream.url, "--port", "0", "--auth-secret", SECRET], {
      DATABASE_URL: t.database.url,
    });
    expect(flagged.headers.key).toBe(SECRET);
    expect(ttlOf(flagged.headers.token)).toBe(7200);
  });

  it("a regenerated dashboard secret replaces the old one in a running guard", async () => {
    const first = await regenerateGuardSecret(t.db, t.companyId, key, { type: "system" });
    const g = await guard(["--upstream", upstream.url, "--port", "0"], { DATABASE_URL: t.database.url });
    expect((await fetch(`${g.url}/`, { headers: { "keyward-auth-key": first } })).status).toBe(200);
    const second = await regenerateGuardSecret(t.db, t.companyId, key, { type: "system" });
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await fetch(`${g.url}/`, { headers: { "keyward-auth-key": first } })).status;
    }
    expect(status).toBe(401);
    expect((await fetch(`${g.url}/`, { headers: { "keyward-auth-key": second } })).status).toBe(200);
  }, 30_000);

  it("--route and --company: a managed key passes its rule and is refused elsewhere", async () => {
    const { secret } = await createKey(
      t.db,
      t.companyId,
      { name: "vehicles reader", scopes: ["vehicles:read"], environment: "live" },
      { type: "system" },
    );
    const g = await guard(
      ["--upstream", upstream.url, "--port", "0", "--company", "Acme", "--route", "GET /vehicles/* -> vehicles:read"],
      { DATABASE_URL: t.database.url },
    );
    expect(g.output()).toContain("GET /vehicles/* -> vehicles:read");
    expect((await fetch(`${g.url}/vehicles/1`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    expect((await fetch(`${g.url}/vehicles/1`, { method: "POST", headers: { "x-api-key": secret } })).status).toBe(403);
    const unknown = await runGuardToExit(["--upstream", upstream.url, "--company", "Nope"], {
      DATABASE_URL: t.database.url,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/no company "Nope"/);
  });

  it("--all-companies: the keys of two companies pass, each told as its own; the secret names none", async () => {
    const other = await t.db.company.create({ data: { name: "Globex" } });
    const keyOf = async (owner: string) =>
      (
        await createKey(
          t.db,
          owner,
          { name: "vehicles reader", scopes: ["vehicles:read"], environment: "live" },
          { type: "system" },
        )
      ).secret;
    const [ours, theirs] = [await keyOf(t.companyId), await keyOf(other.id)];
    const g = await guard(
      ["--upstream", upstream.url, "--port", "0", "--all-companies", "--route", "GET /vehicles/* -> vehicles:read"],
      { DATABASE_URL: t.database.url, KEYWARD_GUARD_AUTH_SECRET: SECRET },
    );
    expect(g.output()).toContain("Managed API keys of every company");
    const companyTold = async (headers: Record<string, string>) => {
      const res = await fetch(`${g.url}/vehicles/1`, { headers: { ...headers, "keyward-company-id": "forged" } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { headers: Record<string, string | undefined> }).headers["keyward-company-id"];
    };
    expect(await companyTold({ authorization: `Bearer ${ours}` })).toBe(t.companyId);
    expect(await companyTold({ "x-api-key": theirs })).toBe(other.id);
    expect(await companyTold({ "keyward-auth-key": SECRET })).toBeUndefined();
    // The banner's token names no company either, and passes.
    expect(await companyTold({ "keyward-auth-token": g.headers.token ?? "" })).toBeUndefined();
  });

  it("--all-companies refuses (exit 2) the dashboard's secret, which is one company's, and --company", async () => {
    await regenerateGuardSecret(t.db, t.companyId, key, { type: "system" });
    const noSecret = await runGuardToExit(["--upstream", upstream.url, "--all-companies"], {
      DATABASE_URL: t.database.url,
    });
    expect(noSecret.code).toBe(2);
    expect(noSecret.output).toMatch(/--all-companies needs a guard secret of its own/);
    const both = await runGuardToExit(
      ["--upstream", upstream.url, "--auth-secret", SECRET, "--all-companies", "--company", "Acme"],
      { DATABASE_URL: t.database.url },
    );
    expect(both.code).toBe(2);
    expect(both.output).toMatch(/--all-companies and --company exclude each other/);
  });
});

describe("streaming with bounded memory", () => {
  it("a 1 GiB upload passes through the guard process with flat memory", async () => {
    const g = await guard(["--upstream", upstream.url, "--auth-secret", SECRET, "--port", "0"]);
    const baseline = g.peakRss();
    const total = 1024 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x62);
    const started = Date.now();
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${g.url}/upload`,
        {
          method: "POST",
          headers: { "keyward-auth-key": SECRET, "content-type": "application/octet-stream", "content-length": total },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    const seconds = (Date.now() - started) / 1000;
    const growth = g.peakRss() - baseline;
    expect(JSON.parse(body).bytes).toBe(total);
    process.stdout.write(
      `guard 1 GiB upload: ${seconds.toFixed(1)} s, peak RSS ${(g.peakRss() / 2 ** 20).toFixed(0)} MiB (baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, growth ${(growth / 2 ** 20).toFixed(0)} MiB)\n`,
    );
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});
