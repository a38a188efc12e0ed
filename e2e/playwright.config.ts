import { defineConfig } from "@playwright/test";
import { CHROMIUM_PATH } from "./support/env";

export default defineConfig({
  testDir: "./journeys",
  globalSetup: "./support/global-setup.ts",
  outputDir: "./test-results",
  // The journeys share one database and one first-run setup: run them one after the other.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    // Set by global-setup.ts, which runs before the workers load this file.
    baseURL: process.env.E2E_WEB_URL,
    viewport: { width: 1280, height: 860 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    // The system Chromium: this machine has no network to download Playwright's own browsers.
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // The first-run journey needs a database with no company yet (the dashboard then offers setup);
    // every other journey may create companies, so it runs first whatever the files are called.
    { name: "first-run", testMatch: /create-key\.spec\.ts$/, use: { browserName: "chromium" } },
    {
      name: "chromium",
      testIgnore: /create-key\.spec\.ts$/,
      dependencies: ["first-run"],
      use: { browserName: "chromium" },
    },
  ],
});
