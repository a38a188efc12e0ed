// What every journey gets from Playwright, instead of a preamble copied into each file: the stack
// itself is started once by global-setup.ts; these are the per-worker and per-test pieces.
//   import { expect, test } from "../support/fixtures";
//   test("…", async ({ page, db, browserErrors, screenshotStep }) => { … });
import { basename } from "node:path";
import { createDb, type Db } from "@keyward/db";
import { test as base, type Page } from "@playwright/test";
import { stackUrl } from "./env";
import { screenshots, watchBrowserErrors } from "./page-checks";

export { expect } from "@playwright/test";

interface JourneyFixtures {
  /** Script errors and CSP violations on `page` so far: a journey expects it empty where it ends. */
  browserErrors: string[];
  /** `await screenshotStep(page, "name")` writes artifacts/<spec file>-NN-name.png, numbered in order. */
  screenshotStep: (page: Page, name: string) => Promise<void>;
}

interface WorkerFixtures {
  /** The stack's database, for seeding and for checking what the dashboard wrote; one per worker. */
  db: Db;
}

export const test = base.extend<JourneyFixtures, WorkerFixtures>({
  db: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const db = createDb(stackUrl("E2E_DATABASE_URL"), { maxConnections: 2 });
      await use(db);
      await db.$disconnect();
    },
    { scope: "worker" },
  ],
  browserErrors: async ({ page }, use) => {
    await use(watchBrowserErrors(page));
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  screenshotStep: async ({}, use, testInfo) => {
    await use(screenshots(basename(testInfo.file, ".spec.ts")));
  },
});
