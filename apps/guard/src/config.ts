// The guard's settings, each from the first place that has it:
//   flag  >  environment (KEYWARD_GUARD_*)  >  .keyward.yaml  >  dashboard (Settings → Guard)  >  default.
// The dashboard only holds the secret and the token TTL, and only counts when a database is
// configured and the guard serves one company (not with allCompanies); it is read by start.ts, not
// here. There is no implicit open mode: without a secret from somewhere the guard refuses to start,
// and only `authEnabled: false` lets everything through.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { MIN_GUARD_SECRET_LENGTH, parseDuration } from "@keyward/core";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { GuardEnv } from "./env";
import { GuardStartError } from "./errors";
import { parseRouteRule, type RouteRule, RouteRuleError, type RouteRuleInput } from "./route-rules";

export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600;
export const DEFAULT_GUARD_PORT = 8080;
export const CONFIG_FILE_NAME = ".keyward.yaml";

/** The guard command's flags, as commander gives them (strings; `--route` repeatable). */
export interface GuardFlags {
  upstream?: string;
  authSecret?: string;
  authTokenTtl?: string;
  authEnabled?: string | boolean;
  port?: string;
  host?: string;
  route?: string[];
  config?: string;
  company?: string;
  allCompanies?: string | boolean;
}

const yamlSchema = z
  .object({
    upstream: z.string().optional(),
    authEnabled: z.union([z.boolean(), z.string()]).optional(),
    authSecret: z.string().optional(),
    authTokenTtl: z.union([z.string(), z.number()]).optional(),
    port: z.union([z.number(), z.string()]).optional(),
    host: z.string().optional(),
    company: z.string().optional(),
    allCompanies: z.union([z.boolean(), z.string()]).optional(),
    routes: z
      .array(
        z.union([
          z.string(),
          z.object({
            method: z.union([z.string(), z.array(z.string())]).optional(),
            path: z.string(),
            scopes: z.union([z.string(), z.array(z.string())]),
          }),
        ]),
      )
      .optional(),
  })
  .strict();

type YamlSettings = z.infer<typeof yamlSchema>;

/** Settings before the dashboard is consulted: `authSecret`/`tokenTtlSeconds` may still be missing. */
export interface GuardConfig {
  upstream: URL;
  authEnabled: boolean;
  authSecret: string | undefined;
  tokenTtlSeconds: number | undefined;
  port: number;
  host: string;
  routes: RouteRule[];
  company: string | undefined;
  /** Managed keys of every company are accepted (--all-companies); `company` is then undefined. */
  allCompanies: boolean;
  /** The config file that was read, if any. */
  configFile: string | null;
}

const usage = (message: string) => new GuardStartError("usage", message);

function readYaml(path: string, explicit: boolean): { settings: YamlSettings; file: string | null } {
  if (!existsSync(path)) {
    if (explicit) throw usage(`config file ${path} does not exist`);
    return { settings: {}, file: null };
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8")) ?? {};
  } catch (error) {
    throw usage(`${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const parsed = yamlSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(top)"}: ${i.message}`).join("\n");
    throw usage(
      `${path} has settings the guard does not know:\n${problems}\nKnown: upstream, authEnabled, authSecret, authTokenTtl, port, host, company, allCompanies, routes`,
    );
  }
  return { settings: parsed.data, file: path };
}

function parseBoolean(value: string | boolean, source: string): boolean {
  if (typeof value === "boolean") return value;
  const v = value.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw usage(`${source} must be true or false, not "${value}"`);
}

function parsePort(value: string | number, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`${source} must be a port number (0-65535)`);
  return port;
}

function parseTtl(value: string | number, source: string): number {
  const seconds = parseDuration(value);
  if (seconds === null || seconds < 60) {
    throw usage(`${source} must be a duration of at least a minute: 24h, 90m, 7d, or a number of hours`);
  }
  return seconds;
}

function parseUpstream(value: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usage(`${source} must be an http(s) URL such as http://127.0.0.1:9000, not "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usage(`${source} must be an http(s) URL such as http://127.0.0.1:9000`);
  }
  return url;
}

function parseRoutes(inputs: readonly RouteRuleInput[], source: string): RouteRule[] {
  try {
    return inputs.map(parseRouteRule);
  } catch (error) {
    if (error instanceof RouteRuleError) throw usage(`${source}: ${error.message}`);
    throw error;
  }
}

/** First defined of (flag, env, yaml), with the name of where it came from for error messages. */
function pick<T>(...candidates: [T | undefined, string][]): [T, string] | undefined {
  for (const [value, source] of candidates) if (value !== undefined && value !== "") return [value, source];
  return undefined;
}

export function resolveGuardConfig(flags: GuardFlags, env: GuardEnv, cwd = process.cwd()): GuardConfig {
  const explicitFile = flags.config ?? env.KEYWARD_GUARD_CONFIG;
  const { settings: yaml, file } = readYaml(resolve(cwd, explicitFile ?? CONFIG_FILE_NAME), explicitFile !== undefined);
  const inFile = (name: string) => `${name} in ${file ?? CONFIG_FILE_NAME}`;

  const upstream = pick<string>(
    [flags.upstream, "--upstream"],
    [env.KEYWARD_GUARD_UPSTREAM, "KEYWARD_GUARD_UPSTREAM"],
    [yaml.upstream, inFile("upstream")],
  );
  if (!upstream) {
    throw usage(
      "no upstream: pass --upstream http://127.0.0.1:9000, set KEYWARD_GUARD_UPSTREAM, or add `upstream:` to .keyward.yaml",
    );
  }

  const enabled = pick<string | boolean>(
    [flags.authEnabled, "--auth-enabled"],
    [env.KEYWARD_GUARD_AUTH_ENABLED, "KEYWARD_GUARD_AUTH_ENABLED"],
    [yaml.authEnabled, inFile("authEnabled")],
  );
  const secret = pick<string>(
    [flags.authSecret, "--auth-secret"],
    [env.KEYWARD_GUARD_AUTH_SECRET, "KEYWARD_GUARD_AUTH_SECRET"],
    [yaml.authSecret, inFile("authSecret")],
  );
  if (secret && secret[0].length < MIN_GUARD_SECRET_LENGTH) {
    throw usage(
      `${secret[1]} must be at least ${MIN_GUARD_SECRET_LENGTH} characters; generate one with \`openssl rand -hex 32\``,
    );
  }
  const ttl = pick<string | number>(
    [flags.authTokenTtl, "--auth-token-ttl"],
    [env.KEYWARD_GUARD_AUTH_TOKEN_TTL, "KEYWARD_GUARD_AUTH_TOKEN_TTL"],
    [yaml.authTokenTtl, inFile("authTokenTtl")],
  );
  const port = pick<string | number>(
    [flags.port, "--port"],
    [env.KEYWARD_GUARD_PORT, "KEYWARD_GUARD_PORT"],
    [yaml.port, inFile("port")],
  );
  const host = pick<string>([flags.host, "--host"], [env.KEYWARD_GUARD_HOST, "KEYWARD_GUARD_HOST"], [yaml.host, ""]);
  const envRoutes = env.KEYWARD_GUARD_ROUTES?.split(/[;\n]/)
    .map((r) => r.trim())
    .filter(Boolean);
  const routes = pick<readonly RouteRuleInput[]>(
    [flags.route?.length ? flags.route : undefined, "--route"],
    [envRoutes?.length ? envRoutes : undefined, "KEYWARD_GUARD_ROUTES"],
    [yaml.routes, inFile("routes")],
  );

  const company = pick<string>(
    [flags.company, "--company"],
    [env.KEYWARD_GUARD_COMPANY, "KEYWARD_GUARD_COMPANY"],
    [yaml.company, inFile("company")],
  );
  const every = pick<string | boolean>(
    [flags.allCompanies, "--all-companies"],
    [env.KEYWARD_GUARD_ALL_COMPANIES, "KEYWARD_GUARD_ALL_COMPANIES"],
    [yaml.allCompanies, inFile("allCompanies")],
  );
  const allCompanies = every ? parseBoolean(...every) : false;
  // Whichever place says each: a guard told both would serve a company the operator did not mean.
  if (every && allCompanies && company) {
    throw usage(`${every[1]} and ${company[1]} exclude each other: a guard serves one company or all of them`);
  }

  return {
    upstream: parseUpstream(...upstream),
    authEnabled: enabled ? parseBoolean(...enabled) : true,
    authSecret: secret?.[0],
    tokenTtlSeconds: ttl ? parseTtl(...ttl) : undefined,
    port: port ? parsePort(...port) : DEFAULT_GUARD_PORT,
    host: host?.[0] ?? "127.0.0.1",
    routes: routes ? parseRoutes(...routes) : [],
    company: company?.[0],
    allCompanies,
    configFile: file,
  };
}
