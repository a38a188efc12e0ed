// Starts the whole stack for the journeys on free ports: a fresh database, the API and the dashboard
// (a production build). Returns the teardown that stops all of it.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForHttp } from "@keyward/child-servers";
import { createTestDatabase } from "@keyward/db/testing";
import { CHROMIUM_PATH, LOGIN_THROTTLE_WINDOW_SECONDS, WEB_DIST_DIR } from "./env";
import { startMailbox } from "./mailbox";
import { ARTIFACTS_DIR, REPO_ROOT, run, startService } from "./stack";

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install the system one with \`apt-get install -y chromium\` ` +
        "(or point CHROMIUM_PATH at a Chromium binary). The journeys never download browsers.",
    );
  }
  if (!existsSync(join(REPO_ROOT, "apps/api/src/main.ts"))) {
    throw new Error("apps/api/src/main.ts does not exist yet: the journeys need the API");
  }
  mkdirSync(ARTIFACTS_DIR, { recursive: true });

  const cleanups: (() => Promise<unknown>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => console.error("[e2e] teardown:", error));
    }
  };

  try {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    // Stands in for the checkout `pnpm start` names in KEYWARD_REPO_ROOT: browser setup writes its
    // .env.local here, never into this repository's own.
    const repoRoot = mkdtempSync(join(tmpdir(), "keyward-e2e-repo-"));
    cleanups.push(async () => rmSync(repoRoot, { recursive: true, force: true }));
    const [apiPort, webPort] = [await freePort(), await freePort()];
    // The dashboard's mail (invites, password resets) goes to a real SMTP server; account.spec.ts reads it.
    const mailDir = join(ARTIFACTS_DIR, "mail", String(Date.now()));
    const mailbox = await startMailbox(mailDir);
    cleanups.push(() => mailbox.close());
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const webUrl = `http://127.0.0.1:${webPort}`;
    // The API and the dashboard seal secrets (the guard's) with one key; journeys read it to start a guard.
    process.env.KEYWARD_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
    const baseEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      KEYWARD_WEB_DIST_DIR: WEB_DIST_DIR,
      // The alert journey's webhook receiver listens on a loopback port it picks itself.
      KEYWARD_WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
      // signup.spec.ts signs up through /signup (closed, the default, is a 404: proved by the API's tests).
      KEYWARD_SIGNUP: "open",
    };

    if (process.env.E2E_SKIP_BUILD !== "1") {
      console.log(`[e2e] building the dashboard into apps/web/${WEB_DIST_DIR} …`);
      await run("web-build", "pnpm", ["--filter", "@keyward/web", "build"], baseEnv);
    }

    // The API runs as `pnpm start` runs it: the bundle in apps/api/dist, rebuilt every time (seconds),
    // so a journey never meets a stale one.
    await run("api-build", "pnpm", ["--filter", "@keyward/api", "build"], baseEnv);

    const api = startService("api", "pnpm", ["--filter", "@keyward/api", "start"], {
      ...baseEnv,
      API_PORT: String(apiPort),
    });
    cleanups.push(() => api.stop());
    const web = startService("web", "pnpm", ["--filter", "@keyward/web", "start"], {
      ...baseEnv,
      NODE_ENV: "production",
      WEB_PORT: String(webPort),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      KEYWARD_API_URL: apiUrl,
      // Short, so login-throttling.spec.ts can wait the window out (and later journeys are not locked out).
      LOGIN_THROTTLE_WINDOW_SECONDS: String(LOGIN_THROTTLE_WINDOW_SECONDS),
      KEYWARD_REPO_ROOT: repoRoot,
      SMTP_URL: mailbox.url,
    });
    cleanups.push(() => web.stop());

    // Generous: `next start` of a fresh build on a loaded 2-core machine.
    await Promise.all([waitForHttp(`${apiUrl}/v1/health`, api, 180_000), waitForHttp(`${webUrl}/login`, web, 180_000)]);
    console.log(`[e2e] database ${database.kind}, API ${apiUrl}, dashboard ${webUrl}`);

    // Read by playwright.config.ts and the journeys in the worker processes, which inherit this environment.
    process.env.E2E_WEB_URL = webUrl;
    process.env.E2E_API_URL = apiUrl;
    process.env.E2E_DATABASE_URL = database.url;
    process.env.E2E_REPO_ROOT = repoRoot;
    process.env.E2E_MAIL_DIR = mailDir;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
