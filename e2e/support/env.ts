// Where the journeys find the stack started by global-setup.ts (it sets these for the worker processes).
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The dashboard's build folder in the e2e stack: its own, so it never replaces the one a running `pnpm start` serves. */
export const WEB_DIST_DIR = ".next-e2e";

/** The dashboard's failed-login window in the e2e stack: short, so a journey can wait it out. */
export const LOGIN_THROTTLE_WINDOW_SECONDS = 60;

/** Where the dashboard's first-run setup writes .env.local in the e2e stack (its KEYWARD_REPO_ROOT, a temp folder). */
export function stackRepoRoot(): string {
  const dir = process.env.E2E_REPO_ROOT;
  if (!dir)
    throw new Error("E2E_REPO_ROOT is not set: run the journeys with `pnpm test` in e2e/, which starts the stack");
  return dir;
}

export function stackUrl(name: "E2E_WEB_URL" | "E2E_API_URL" | "E2E_DATABASE_URL"): string {
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set: run the journeys with \`pnpm test\` in e2e/, which starts the stack`);
  return url;
}
