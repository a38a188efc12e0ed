// `keyward keys list|show|create|update|rotate|revoke`: the API's /v1/keys endpoints (docs/api.md#endpoints).
import { SCOPE_PRESETS } from "@keyward/auth-core";
import type { PublicKey } from "@keyward/core";
import { parseDuration } from "@keyward/core";
import type { Command } from "commander";
import { apiClient } from "./api-client";
import { loadEnv } from "./env";
import { CliError, EXIT } from "./errors";
import { printJson, printTable, shortDate } from "./output";

interface KeyList {
  data: PublicKey[];
  nextCursor: string | null;
}
type WithSecret = PublicKey & { key: string };

const API_URL_HELP = "the Keyward API (default: the one you logged in to, or KEYWARD_API_URL)";
const usage = (message: string) => new CliError(EXIT.usage, message);

function client(opts: { apiUrl?: string }) {
  return apiClient(loadEnv(), opts.apiUrl);
}

function printKey(key: PublicKey): void {
  printTable(
    ["field", "value"],
    [
      ["id", key.id],
      ["name", key.name],
      ["start", key.start],
      ["fingerprint", key.fingerprint],
      ["environment", key.environment],
      ["scopes", key.scopes.join(" ")],
      ["status", key.status],
      ["expires", shortDate(key.expiresAt)],
      ["ip allowlist", key.ipAllowlist.join(" ") || "any"],
      ["rate limit", key.rateLimit ? `${key.rateLimit.limit} per ${key.rateLimit.windowSeconds}s` : "none"],
      ["metadata", key.metadata == null ? "none" : JSON.stringify(key.metadata)],
      ["last used", key.lastUsedAt ? `${shortDate(key.lastUsedAt)} from ${key.lastUsedIp ?? "?"}` : "never"],
      ["created", shortDate(key.createdAt)],
      ...(key.revokedAt ? [["revoked", `${shortDate(key.revokedAt)} ${key.revokedReason ?? ""}`.trim()]] : []),
    ],
  );
}

function printSecretOnce(key: WithSecret): void {
  process.stdout.write(
    `\n${key.key}\n\nThis is the key's secret. Copy it now: it is not stored and will not be shown again.\n`,
  );
}

/** `100/60s`, `100/1m`, `100` (per minute) → the API's rate limit. */
function parseRateLimit(text: string): { limit: number; windowSeconds: number } {
  const [limit, window = "60s"] = text.split("/");
  const windowSeconds = parseDuration(/^\d+$/.test(window) ? `${window}s` : window);
  const count = Number(limit);
  if (!Number.isInteger(count) || count < 1 || windowSeconds === null) {
    throw usage(`--rate-limit "${text}": write LIMIT/WINDOW, e.g. 100/60s or 1000/1h`);
  }
  return { limit: count, windowSeconds };
}

const list = (value: string) => value.split(/[\s,]+/).filter(Boolean);

/** `--expires-at`: an ISO date-time, or `never` to remove the expiry (the API judges the date). */
const expiresAtOf = (value: string) => (value === "never" ? null : value);

/** `--metadata`: a JSON object, or `null` to remove it (the API bounds its size and depth). */
function parseMetadata(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw usage(`--metadata: not JSON; write an object, e.g. '{"team":"billing"}', or null to remove it`);
  }
}

interface UpdateOptions {
  name?: string;
  scopes?: string;
  ipAllowlist?: string;
  rateLimit?: string;
  expiresAt?: string;
  metadata?: string;
}

/** The PATCH body: only the fields given, so the rest of the key stays as it is. */
function updateBody(opts: UpdateOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (opts.name !== undefined) body.name = opts.name;
  if (opts.scopes !== undefined) body.scopes = list(opts.scopes);
  if (opts.ipAllowlist !== undefined) body.ipAllowlist = list(opts.ipAllowlist);
  if (opts.rateLimit !== undefined) body.rateLimit = opts.rateLimit === "none" ? null : parseRateLimit(opts.rateLimit);
  if (opts.expiresAt !== undefined) body.expiresAt = expiresAtOf(opts.expiresAt);
  if (opts.metadata !== undefined) body.metadata = parseMetadata(opts.metadata);
  if (Object.keys(body).length === 0) {
    throw usage("give at least one of --name, --scopes, --ip-allowlist, --rate-limit, --expires-at, --metadata");
  }
  return body;
}

export function registerKeysCommand(program: Command): void {
  const keys = program
    .command("keys")
    .description("List, show, create, update, rotate and revoke API keys (uses your login, or KEYWARD_API_KEY)");

  keys
    .command("list")
    .description("List keys, newest first")
    .option("--environment <env>", "live or test")
    .option("--status <status>", "active, expiring, expired or revoked")
    .option("--q <text>", "search by name")
    .option("--limit <n>", "page size (1-100)")
    .option("--cursor <cursor>", "the nextCursor of a previous page")
    .option("--json", "print the API's JSON")
    .option("--api-url <url>", API_URL_HELP)
    .action(
      async (opts: {
        environment?: string;
        status?: string;
        q?: string;
        limit?: string;
        cursor?: string;
        json?: boolean;
        apiUrl?: string;
      }) => {
        const query = new URLSearchParams();
        for (const name of ["environment", "status", "q", "limit", "cursor"] as const) {
          const value = opts[name];
          if (value !== undefined) query.set(name, value);
        }
        const page = await client(opts).call<KeyList>("GET", `/v1/keys${query.size ? `?${query}` : ""}`);
        if (opts.json) return printJson(page);
        if (page.data.length === 0) return void process.stdout.write("No keys.\n");
        printTable(
          ["id", "name", "start", "env", "scopes", "status", "created", "expires", "last used"],
          page.data.map((k) => [
            k.id,
            k.name,
            k.start,
            k.environment,
            k.scopes.join(" "),
            k.status,
            shortDate(k.createdAt),
            shortDate(k.expiresAt),
            shortDate(k.lastUsedAt),
          ]),
        );
        if (page.nextCursor) process.stdout.write(`More: pnpm keyward keys list --cursor ${page.nextCursor}\n`);
      },
    );

  keys
    .command("show")
    .description("Show one key (never its secret)")
    .argument("<id>", "the key's id")
    .option("--json", "print the API's JSON")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (id: string, opts: { json?: boolean; apiUrl?: string }) => {
      const key = await client(opts).call<PublicKey>("GET", `/v1/keys/${encodeURIComponent(id)}`);
      if (opts.json) return printJson(key);
      printKey(key);
    });

  keys
    .command("create")
    .description("Create a key; its secret is printed once")
    .requiredOption("--name <name>", "what the key is for")
    .option("--scopes <scopes>", "comma-separated, e.g. vehicles:read,keys:read")
    .option("--preset <preset>", "admin (*) or read-only (*:read), instead of --scopes")
    .option("--environment <env>", "live or test", "live")
    .option("--expires-at <iso>", "expiry date, e.g. 2027-01-01T00:00:00Z")
    .option("--ip-allowlist <cidrs>", "comma-separated IPs or CIDRs")
    .option("--rate-limit <limit>", "LIMIT/WINDOW, e.g. 100/60s")
    .option("--json", "print the API's JSON (it holds the secret)")
    .option("--api-url <url>", API_URL_HELP)
    .action(
      async (opts: {
        name: string;
        scopes?: string;
        preset?: string;
        environment: string;
        expiresAt?: string;
        ipAllowlist?: string;
        rateLimit?: string;
        json?: boolean;
        apiUrl?: string;
      }) => {
        if ((opts.scopes === undefined) === (opts.preset === undefined)) {
          throw usage("give either --scopes (e.g. vehicles:read) or --preset (admin or read-only)");
        }
        let scopes: string[];
        if (opts.preset !== undefined) {
          const preset = SCOPE_PRESETS[opts.preset as keyof typeof SCOPE_PRESETS];
          if (!preset) throw usage(`--preset "${opts.preset}": admin or read-only`);
          scopes = [...preset];
        } else scopes = list(opts.scopes ?? "");
        if (opts.environment !== "live" && opts.environment !== "test") {
          throw usage(`--environment "${opts.environment}": live or test`);
        }
        const body = {
          name: opts.name,
          scopes,
          environment: opts.environment,
          ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
          ...(opts.ipAllowlist ? { ipAllowlist: list(opts.ipAllowlist) } : {}),
          ...(opts.rateLimit ? { rateLimit: parseRateLimit(opts.rateLimit) } : {}),
        };
        const created = await client(opts).call<WithSecret>("POST", "/v1/keys", body);
        if (opts.json) return printJson(created);
        printKey(created);
        printSecretOnce(created);
      },
    );

  keys
    .command("update")
    .description("Change a key's settings; it keeps its secret and the change applies at once")
    .argument("<id>", "the key's id")
    .option("--name <name>", "what the key is for")
    .option("--scopes <scopes>", "the new scopes, separated by commas or spaces, e.g. vehicles:read,keys:read")
    .option("--ip-allowlist <cidrs>", 'IPs or CIDRs, separated by commas or spaces; "" allows any IP')
    .option("--rate-limit <limit>", "LIMIT/WINDOW, e.g. 100/60s, or none")
    .option("--expires-at <iso>", "expiry date, e.g. 2027-01-01T00:00:00Z, or never")
    .option("--metadata <json>", 'a JSON object, e.g. \'{"team":"billing"}\', or null')
    .option("--json", "print the API's JSON")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (id: string, opts: UpdateOptions & { json?: boolean; apiUrl?: string }) => {
      const body = updateBody(opts);
      const updated = await client(opts).call<PublicKey>("PATCH", `/v1/keys/${encodeURIComponent(id)}`, body);
      if (opts.json) return printJson(updated);
      printKey(updated);
    });

  keys
    .command("rotate")
    .description("Replace a key by a new one (its secret printed once); the old one stops now or after --grace")
    .argument("<id>", "the key's id")
    .option("--grace <duration>", "keep the old key working this long: 1h, 24h, 7d (default: stop it now)")
    .option("--json", "print the API's JSON (it holds the secret)")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (id: string, opts: { grace?: string; json?: boolean; apiUrl?: string }) => {
      let gracePeriodSeconds = 0;
      if (opts.grace !== undefined) {
        const seconds = /^0+$/.test(opts.grace) ? 0 : parseDuration(opts.grace);
        if (seconds === null) throw usage(`--grace "${opts.grace}": a duration such as 1h, 24h or 7d`);
        gracePeriodSeconds = seconds;
      }
      const rotated = await client(opts).call<WithSecret & { rotatedFrom: string; oldKeyExpiresAt: string }>(
        "POST",
        `/v1/keys/${encodeURIComponent(id)}/rotate`,
        { gracePeriodSeconds },
      );
      if (opts.json) return printJson(rotated);
      printKey(rotated);
      process.stdout.write(`\nThe old key ${rotated.rotatedFrom} stops working at ${rotated.oldKeyExpiresAt}.\n`);
      printSecretOnce(rotated);
    });

  keys
    .command("revoke")
    .description("Revoke a key: it stops working at once, everywhere")
    .argument("<id>", "the key's id")
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print the API's JSON")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (id: string, opts: { reason?: string; json?: boolean; apiUrl?: string }) => {
      const revoked = await client(opts).call<PublicKey>(
        "POST",
        `/v1/keys/${encodeURIComponent(id)}/revoke`,
        opts.reason ? { reason: opts.reason } : {},
      );
      if (opts.json) return printJson(revoked);
      process.stdout.write(`Revoked ${revoked.name} (${revoked.id}).\n`);
    });
}
