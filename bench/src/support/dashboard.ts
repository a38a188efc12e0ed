// The dashboard for figure 10: a production build (`next build`) into its own folder, so it never
// replaces the build `pnpm start` serves nor the e2e run's, served by `next start`, and a session
// obtained the way a browser gets one: next-auth's credentials sign-in with a CSRF token.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, runToEnd, spawnLogged, waitForHttp } from "@keyward/child-servers";
import { workspaceRoot } from "@keyward/db";
import { childEnv, KEEP_OUTPUT_CHARS } from "./processes";

const require = createRequire(import.meta.url);
// Not a dependency of the bench (it would pull Next into its graph): found where the workspace keeps it.
const ROOT = workspaceRoot(fileURLToPath(new URL(".", import.meta.url)));
const WEB_DIR = join(ROOT, "apps/web");
export const BENCH_DIST_DIR = ".next-bench";

/** Newest modification time of the files under `dir` (skipping build output and dependencies). */
function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".next")) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether `.next-bench` exists and is newer than every source file of the dashboard and its packages. */
export function dashboardBuildIsFresh(): boolean {
  const buildId = join(WEB_DIR, BENCH_DIST_DIR, "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const sources = [WEB_DIR, join(ROOT, "packages/db"), join(ROOT, "packages/auth-core")];
  return statSync(buildId).mtimeMs > Math.max(...sources.map(newestMtime));
}

const nextBin = () => join(dirname(require.resolve("next/package.json", { paths: [WEB_DIR] })), "dist/bin/next");

export async function buildDashboard(): Promise<void> {
  await runToEnd(process.execPath, [nextBin(), "build"], {
    name: "next build",
    cwd: WEB_DIR,
    env: childEnv({ NODE_ENV: "production", KEYWARD_WEB_DIST_DIR: BENCH_DIST_DIR }),
    keepLastChars: KEEP_OUTPUT_CHARS,
  });
}

export interface Dashboard {
  url: string;
  stop(): Promise<number | null>;
}

export async function startDashboard(databaseUrl: string): Promise<Dashboard> {
  const port = await freePort();
  const dashboard = spawnLogged(process.execPath, [nextBin(), "start", "-p", String(port), "-H", "127.0.0.1"], {
    name: "next start",
    cwd: WEB_DIR,
    env: childEnv({
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      KEYWARD_WEB_DIST_DIR: BENCH_DIST_DIR,
    }),
    keepLastChars: KEEP_OUTPUT_CHARS,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/login`, dashboard);
  return { url, stop: dashboard.stop };
}

/**
 * `name=value` of each cookie a response sets, the last one of each name winning: the dashboard's
 * proxy and its auth route both answer /api/auth/csrf, and only the last CSRF cookie matches the token.
 */
function cookiesOf(response: Response): string[] {
  const jar = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";")[0] as string;
    jar.set(pair.slice(0, pair.indexOf("=")), pair);
  }
  return [...jar.values()];
}

/** Signs in through next-auth's credentials endpoint, as the login form does; returns the Cookie header. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const response = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${url}/keys` }).toString(),
  });
  const session = cookiesOf(response).filter((c) => c.includes("session-token"));
  if (session.length === 0) {
    throw new Error(`sign-in failed: ${response.status} ${response.headers.get("location") ?? ""}`);
  }
  return session.join("; ");
}
