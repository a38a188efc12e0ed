// Where each guard setting comes from: flag > KEYWARD_GUARD_* > .keyward.yaml > default; bad
// values are usage errors (exit 2) that say what to write instead.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDuration, parseDuration } from "@keyward/core";
import { describe, expect, it } from "vitest";
import { resolveGuardConfig } from "./config";
import { loadGuardEnv } from "./env";
import { GuardStartError } from "./errors";
import { canonicalTarget } from "./request-path";
import { matchRoute, parseRouteRule } from "./route-rules";

const SECRET_A = "secret-from-flag-0123456789";
const SECRET_B = "secret-from-env-0123456789";
const SECRET_C = "secret-from-yaml-0123456789";

function dirWithYaml(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "keyward-guard-"));
  writeFileSync(join(dir, ".keyward.yaml"), yaml);
  return dir;
}

const env = (vars: Record<string, string> = {}) => loadGuardEnv({ NODE_ENV: "test", ...vars });

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GuardStartError);
    expect((error as GuardStartError).kind).toBe("usage");
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

const YAML = `upstream: http://127.0.0.1:9300
authEnabled: true
authSecret: ${SECRET_C}
authTokenTtl: 90m
port: 9301
host: 0.0.0.0
company: Acme
routes:
  - "GET /vehicles/* -> vehicles:read"
  - { method: POST, path: /vehicles/*, scopes: [vehicles:write] }
`;

describe("TTL and route rules", () => {
  it("a bare number is hours; units s, m, h, d and combinations", () => {
    expect(parseDuration("24")).toBe(86_400);
    expect(parseDuration(2)).toBe(7200);
    expect(parseDuration("90m")).toBe(5400);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("7d")).toBe(604_800);
    expect(parseDuration("3600s")).toBe(3600);
    for (const bad of ["", "h", "-1", "0", "1w", "24 hours", "1.5.2h"]) expect(parseDuration(bad), bad).toBeNull();
    expect(formatDuration(86_400)).toBe("24h");
    expect(formatDuration(604_800)).toBe("7d");
    expect(formatDuration(5400)).toBe("90m");
  });

  it("rules: string and object forms, method lists and *, first match wins, unmatched is null", () => {
    const rules = [
      parseRouteRule("GET /vehicles/* -> vehicles:read"),
      parseRouteRule("POST,PUT /vehicles/* → vehicles:write"),
      parseRouteRule({ method: "*", path: "/reports/*/summary", scopes: "reports:read, audit:read" }),
    ];
    expect(matchRoute(rules, "GET", "/vehicles")?.scopes).toEqual(["vehicles:read"]);
    expect(matchRoute(rules, "GET", "/vehicles/1/parts")?.scopes).toEqual(["vehicles:read"]);
    expect(matchRoute(rules, "HEAD", "/vehicles/1")?.scopes).toEqual(["vehicles:read"]);
    expect(matchRoute(rules, "PUT", "/vehicles/1")?.scopes).toEqual(["vehicles:write"]);
    expect(matchRoute(rules, "DELETE", "/vehicles/1")).toBeNull();
    expect(matchRoute(rules, "GET", "/vehiclesX")).toBeNull();
    expect(matchRoute(rules, "DELETE", "/reports/2026/summary")?.scopes).toEqual(["reports:read", "audit:read"]);
    for (const bad of ["GET /x", "GET x -> a:read", "get /x -> nope", "G3T /x -> a:read"]) {
      expect(() => parseRouteRule(bad), bad).toThrow(/route rule/);
    }
  });

  it("paths are matched as the upstream receives them: dot segments resolved, escapes decoded", () => {
    const judged = (target: string) => {
      const canonical = canonicalTarget(target);
      return canonical.ok ? canonical.path : null;
    };
    expect(judged("/vehicles/../admin?x=1")).toBe("/admin");
    expect(judged("/vehicle%73/1")).toBe("/vehicles/1");
    // Refused: upstreams disagree on what an escaped slash means.
    expect(judged("/vehicles/..%2Fadmin")).toBeNull();
    expect(judged("/%E0%A4%A")).toBeNull();
  });
});

describe("precedence: flag > environment > .keyward.yaml > default", () => {
  it("everything from .keyward.yaml in the working directory", () => {
    const config = resolveGuardConfig({}, env(), dirWithYaml(YAML));
    expect(config.upstream.href).toBe("http://127.0.0.1:9300/");
    expect(config.authSecret).toBe(SECRET_C);
    expect(config.tokenTtlSeconds).toBe(5400);
    expect(config.port).toBe(9301);
    expect(config.host).toBe("0.0.0.0");
    expect(config.company).toBe("Acme");
    expect(config.routes.map((r) => r.scopes)).toEqual([["vehicles:read"], ["vehicles:write"]]);
    expect(config.configFile).toMatch(/\.keyward\.yaml$/);
  });

  it("the environment overrides the file, flags override both", () => {
    const dir = dirWithYaml(YAML);
    const vars = {
      KEYWARD_GUARD_UPSTREAM: "http://127.0.0.1:9400",
      KEYWARD_GUARD_AUTH_SECRET: SECRET_B,
      KEYWARD_GUARD_AUTH_TOKEN_TTL: "2",
      KEYWARD_GUARD_AUTH_ENABLED: "false",
      KEYWARD_GUARD_PORT: "9401",
      KEYWARD_GUARD_HOST: "127.0.0.2",
      KEYWARD_GUARD_ROUTES: "GET /a/* -> a:read; POST /a/* -> a:write",
      KEYWARD_GUARD_COMPANY: "Env Co",
    };
    const fromEnv = resolveGuardConfig({}, env(vars), dir);
    expect(fromEnv.upstream.port).toBe("9400");
    expect(fromEnv.authSecret).toBe(SECRET_B);
    expect(fromEnv.tokenTtlSeconds).toBe(7200);
    expect(fromEnv.authEnabled).toBe(false);
    expect([fromEnv.port, fromEnv.host, fromEnv.company]).toEqual([9401, "127.0.0.2", "Env Co"]);
    expect(fromEnv.routes.map((r) => r.text)).toEqual(["GET /a/* -> a:read", "POST /a/* -> a:write"]);

    const fromFlags = resolveGuardConfig(
      {
        upstream: "http://127.0.0.1:9500",
        authSecret: SECRET_A,
        authTokenTtl: "24h",
        authEnabled: "true",
        port: "9501",
        host: "127.0.0.3",
        route: ["GET /b/* -> b:read"],
        company: "Flag Co",
      },
      env(vars),
      dir,
    );
    expect(fromFlags.upstream.port).toBe("9500");
    expect(fromFlags.authSecret).toBe(SECRET_A);
    expect(fromFlags.tokenTtlSeconds).toBe(86_400);
    expect(fromFlags.authEnabled).toBe(true);
    expect([fromFlags.port, fromFlags.host, fromFlags.company]).toEqual([9501, "127.0.0.3", "Flag Co"]);
    expect(fromFlags.routes.map((r) => r.text)).toEqual(["GET /b/* -> b:read"]);
  });

  it("defaults: port 8080, host 127.0.0.1, auth enabled, no TTL (the dashboard's or 24h), no rules", () => {
    const config = resolveGuardConfig({ upstream: "http://127.0.0.1:9000" }, env(), mkdtempSync(join(tmpdir(), "kw-")));
    expect([config.port, config.host, config.authEnabled, config.tokenTtlSeconds, config.routes]).toEqual([
      8080,
      "127.0.0.1",
      true,
      undefined,
      [],
    ]);
    expect(config.configFile).toBeNull();
  });

  it("--config and KEYWARD_GUARD_CONFIG name another file; a missing named file is an error", () => {
    const dir = dirWithYaml(YAML);
    const other = join(dir, "other.yaml");
    writeFileSync(other, "upstream: http://127.0.0.1:9600\n");
    expect(resolveGuardConfig({ config: other }, env(), "/").upstream.port).toBe("9600");
    expect(resolveGuardConfig({}, env({ KEYWARD_GUARD_CONFIG: other }), "/").upstream.port).toBe("9600");
    expect(usageError(() => resolveGuardConfig({ config: join(dir, "nope.yaml") }, env(), "/"))).toMatch(
      /does not exist/,
    );
  });
});

describe("usage errors say what to do", () => {
  const cwd = mkdtempSync(join(tmpdir(), "kw-"));
  const base = { upstream: "http://127.0.0.1:9000" };
  it("no upstream, bad upstream, short secret, bad TTL, bad port, bad boolean, bad rule, unknown yaml key", () => {
    expect(usageError(() => resolveGuardConfig({}, env(), cwd))).toMatch(/--upstream/);
    expect(usageError(() => resolveGuardConfig({ upstream: "ftp://x" }, env(), cwd))).toMatch(/http\(s\) URL/);
    expect(usageError(() => resolveGuardConfig({ ...base, authSecret: "short" }, env(), cwd))).toMatch(
      /at least 16 characters.*openssl rand/,
    );
    expect(usageError(() => resolveGuardConfig({ ...base, authTokenTtl: "soon" }, env(), cwd))).toMatch(/24h, 90m/);
    expect(usageError(() => resolveGuardConfig({ ...base, port: "99999" }, env(), cwd))).toMatch(/port/);
    expect(usageError(() => resolveGuardConfig({ ...base, authEnabled: "maybe" }, env(), cwd))).toMatch(
      /true or false/,
    );
    expect(usageError(() => resolveGuardConfig({ ...base, route: ["GET /x"] }, env(), cwd))).toMatch(/--route/);
    expect(usageError(() => resolveGuardConfig({}, env(), dirWithYaml("upstrem: http://x\n")))).toMatch(
      /does not know/,
    );
    expect(usageError(() => resolveGuardConfig({}, env(), dirWithYaml("upstream: [\n")))).toMatch(/not valid YAML/);
  });
});

describe("--all-companies", () => {
  const base = { upstream: "http://127.0.0.1:9000" };
  it("from the flag, KEYWARD_GUARD_ALL_COMPANIES or allCompanies in .keyward.yaml; off by default", () => {
    const cwd = mkdtempSync(join(tmpdir(), "kw-"));
    expect(resolveGuardConfig(base, env(), cwd).allCompanies).toBe(false);
    expect(resolveGuardConfig({ ...base, allCompanies: true }, env(), cwd).allCompanies).toBe(true);
    expect(resolveGuardConfig(base, env({ KEYWARD_GUARD_ALL_COMPANIES: "true" }), cwd).allCompanies).toBe(true);
    const dir = dirWithYaml("upstream: http://127.0.0.1:9000\nallCompanies: true\n");
    expect(resolveGuardConfig({}, env(), dir)).toMatchObject({ allCompanies: true, company: undefined });
  });

  it("together with a company, from any place, is a usage error naming both", () => {
    const cwd = mkdtempSync(join(tmpdir(), "kw-"));
    expect(usageError(() => resolveGuardConfig({ ...base, allCompanies: true, company: "Acme" }, env(), cwd))).toMatch(
      /--all-companies and --company exclude each other/,
    );
    expect(
      usageError(() =>
        resolveGuardConfig({ ...base, allCompanies: true }, env({ KEYWARD_GUARD_COMPANY: "Acme" }), cwd),
      ),
    ).toMatch(/--all-companies and KEYWARD_GUARD_COMPANY exclude each other/);
    expect(
      usageError(() => resolveGuardConfig({}, env({ KEYWARD_GUARD_ALL_COMPANIES: "yes" }), dirWithYaml(YAML))),
    ).toMatch(/KEYWARD_GUARD_ALL_COMPANIES and company in .*\.keyward\.yaml exclude each other/);
    // Said false, it excludes nothing.
    expect(resolveGuardConfig({ ...base, allCompanies: "false", company: "Acme" }, env(), cwd).company).toBe("Acme");
  });
});
