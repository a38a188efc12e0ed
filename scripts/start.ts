// `pnpm start`: build, serve the embedded database (unless DATABASE_URL is set), migrate, then run
// the API and the dashboard until Ctrl-C. The embedded database lives in this process, so the API,
// the dashboard and the CLI all reach it over the PostgreSQL protocol at the address in .data/server.json.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, relative, resolve } from "node:path";
import { hasAnyCompany } from "@keyward/core";
import { createDb, resolveDataDir, workspaceRoot } from "@keyward/db";
import { findRunningEmbeddedDatabase, startEmbeddedDatabase } from "@keyward/db/embedded";
import { migrate } from "@keyward/db/migrate";
import { inheritedEnv, startEnv } from "./env";

const root = workspaceRoot();
const env = {
  databaseUrl: startEnv.DATABASE_URL,
  dataDir: resolveDataDir(startEnv.KEYWARD_DATA_DIR),
  apiPort: startEnv.API_PORT,
  webPort: startEnv.WEB_PORT,
  webHost: startEnv.WEB_HOST,
  apiHost: startEnv.API_HOST,
  authSecret: startEnv.AUTH_SECRET,
  skipBuild: startEnv.KEYWARD_SKIP_BUILD === "1",
};

function log(message: string): void {
  process.stdout.write(`[keyward] ${message}\n`);
}

/** The dashboard's session secret: AUTH_SECRET, or one generated once and kept in the data folder. */
function authSecret(): string {
  if (env.authSecret) return env.authSecret;
  const file = join(env.dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

/** Ends `pnpm start` with a plain sentence (no stack trace): something outside it is in the way. */
function refuse(message: string): never {
  process.stderr.write(`[keyward] ${message}\n`);
  process.exit(1);
}

/** Whether something already listens on host:port (tried by listening there, then closing at once). */
function portTaken(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE"));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

// Before building: a second `pnpm start` must not rebuild under the first one, nor die on EADDRINUSE.
for (const [what, port, host] of [
  ["the API", env.apiPort, env.apiHost],
  ["the dashboard", env.webPort, env.webHost],
] as const) {
  if (await portTaken(Number(port), host)) {
    refuse(
      `Port ${port} (${what}, on ${host}) is already in use, probably by another \`pnpm start\`. Stop that one ` +
        "(Ctrl-C in its terminal), or run this one on free ports, e.g. API_PORT=4001 WEB_PORT=3001 pnpm start.",
    );
  }
}
if (!env.databaseUrl) {
  const running = await findRunningEmbeddedDatabase(env.dataDir);
  if (running) {
    const inRoot = relative(root, env.dataDir);
    refuse(
      `The embedded database in ${inRoot && !inRoot.startsWith("..") ? inRoot : env.dataDir} is already served by process ${running.pid} ` +
        "(another `pnpm start`?). Stop that one first, or give this one its own data folder with KEYWARD_DATA_DIR.",
    );
  }
}

mkdirSync(env.dataDir, { recursive: true });
if (!env.skipBuild) {
  log("building (turbo caches this after the first run)…");
  execFileSync("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"], { cwd: root, stdio: "inherit" });
}

const embedded = env.databaseUrl ? null : await startEmbeddedDatabase({ dataDir: env.dataDir });
const databaseUrl = env.databaseUrl ?? embedded?.url ?? "";
log(embedded ? `embedded database (PGlite) in ${env.dataDir}, serving ${embedded.url}` : "database: DATABASE_URL");
const applied = await migrate(databaseUrl);
log(applied.length ? `migrations applied: ${applied.join(", ")}` : "database schema is up to date");

// With KEYWARD_TLS on, both ports speak HTTPS: the addresses printed (and shown in the dashboard's
// examples) say so, under the certificate's first name in auto mode.
const tlsOn = startEnv.KEYWARD_TLS === "files" || startEnv.KEYWARD_TLS === "auto";
const scheme = tlsOn ? "https" : "http";
const publicHost =
  startEnv.KEYWARD_TLS === "auto"
    ? (startEnv.KEYWARD_TLS_DOMAINS ?? "").split(",")[0]?.trim() || "localhost"
    : "localhost";

const children: ChildProcess[] = [];
const childEnv = {
  ...inheritedEnv,
  DATABASE_URL: databaseUrl,
  API_PORT: env.apiPort,
  AUTH_SECRET: authSecret(),
  KEYWARD_API_URL: startEnv.KEYWARD_API_URL ?? `${scheme}://${tlsOn ? publicHost : "127.0.0.1"}:${env.apiPort}`,
  WEB_PORT: env.webPort,
  WEB_HOST: env.webHost,
  // The dashboard's first-run setup writes .env.local here, as `keyward setup` does (apps/web/src/env.ts).
  KEYWARD_REPO_ROOT: root,
  NODE_ENV: "production",
  // The API and the dashboard run in their own folders: files named relative to here are resolved first.
  ...absolutePaths(["KEYWARD_TLS_CERT", "KEYWARD_TLS_KEY", "KEYWARD_ACME_CA_FILE"] as const),
};

function absolutePaths<K extends "KEYWARD_TLS_CERT" | "KEYWARD_TLS_KEY" | "KEYWARD_ACME_CA_FILE">(
  names: readonly K[],
): Partial<Record<K, string>> {
  const paths: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = startEnv[name];
    if (value) paths[name] = resolve(value);
  }
  return paths;
}
let stopping = false;

/** Runs a Node program directly (no pnpm or shell in between), so signals reach it. */
function run(name: string, cwd: string, args: string[]): void {
  const child = spawn(process.execPath, args, { cwd: join(root, cwd), env: childEnv, stdio: "inherit" });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping`);
      void stop(1);
    }
  });
  children.push(child);
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = Promise.all(running.map((c) => new Promise((r) => c.once("exit", r))));
  for (const child of running) child.kill("SIGTERM");
  // The API flushes usage on SIGTERM; give it time, then stop waiting.
  const timer = setTimeout(() => {
    for (const child of running) child.kill("SIGKILL");
  }, 10_000);
  await exited;
  clearTimeout(timer);
  await embedded?.stop();
  process.exit(exitCode);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

// The API as built by `turbo run build` (apps/api/scripts/build.ts): one bundled module, plain node.
run("api", "apps/api", ["--enable-source-maps", "dist/main.js"]);
// The dashboard's own server around Next (apps/web/server.ts, bundled by its build): it finds the client IP.
run("web", "apps/web", ["--enable-source-maps", "dist/server.js"]);

const db = createDb(databaseUrl, { maxConnections: 1 });
const ready = await hasAnyCompany(db);
await db.$disconnect();
const api = `${scheme}://${publicHost}:${env.apiPort}`;
const dashboard = `${scheme}://${publicHost}:${env.webPort}`;
log(`API:       ${api}   (try: curl ${api}/v1/health)`);
log(`Dashboard: ${dashboard}`);
if (!ready) {
  log(`First run: open ${dashboard}/setup, or in another terminal run`);
  log("  pnpm keyward setup --company \"Acme\" --email you@example.com --password 'a long passphrase'");
  log("  (without --password one is generated and printed once). Either way the keys go to .env.local.");
}
