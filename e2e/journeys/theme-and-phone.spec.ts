// Journey: dark mode follows the system and a theme picked in the header overrides it (kept across
// reloads); every dashboard page is legible (axe, contrast included) in the dark theme and fits a
// 390 px phone without sideways scrolling, navigation included.

import { setOperator } from "@keyward/core";
import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures";
import { createAdminWithKey, logIn } from "../support/members";
import { expectAccessible, expectNoSidewaysScroll } from "../support/page-checks";

const EMAIL = "dora@nightshift.test";
const PASSWORD = "dora works at night";

/** The page background's relative luminance (0 black … 1 white), read back from a canvas in any colour syntax. */
const backgroundLuminance = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2d canvas");
    context.fillStyle = getComputedStyle(document.documentElement).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = Array.from(context.getImageData(0, 0, 1, 1).data).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
  });

test("dark mode follows the system, the toggle overrides it, and every page fits 390 px", async ({
  browser,
  db,
  screenshotStep,
}) => {
  const { key } = await createAdminWithKey(db, EMAIL, PASSWORD, {
    name: "night-batch",
    scopes: ["keys:read"],
    environment: "live",
  });
  // An operator, so the operator's pages are among those checked.
  expect(await setOperator(db, EMAIL, true)).toBe(true);
  // Each dashboard page, with the name its screenshots get.
  const PAGES: [path: string, name: string][] = [
    ["/keys", "keys"],
    [`/keys/${key.id}`, "key"],
    ["/keys/new", "new-key"],
    ["/audit", "audit"],
    ["/alerts", "alerts"],
    ["/members", "members"],
    ["/settings", "settings"],
    ["/overview", "overview"],
    ["/account", "account"],
    ["/companies", "companies"],
    ["/operator-keys", "operator-keys"],
  ];
  // The pages before signing in (setup is only shown on a fresh install: the first-run journey has it).
  const PUBLIC_PAGES: [path: string, name: string][] = [
    ["/login", "login"],
    ["/forgot-password", "forgot-password"],
    ["/signup", "signup"],
  ];

  const dark = await browser.newContext({ colorScheme: "dark", viewport: { width: 1280, height: 860 } });
  const page = await dark.newPage();
  await logIn(page, EMAIL, PASSWORD);

  await test.step("a system in dark mode gets the dark theme on every page, legible", async () => {
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    for (const [path, name] of PAGES) {
      await page.goto(path);
      await expectAccessible(page, `${path} in the dark theme`);
      await screenshotStep(page, `dark-${name}`);
    }
  });

  await test.step("Light in the header wins over the system, and stays after a reload", async () => {
    await page.goto("/keys");
    await page.getByLabel("Theme").selectOption("light");
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
    await page.reload();
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
    await expect(page.getByLabel("Theme")).toHaveValue("light");
    await page.getByLabel("Theme").selectOption("system");
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    await screenshotStep(page, "system-dark-again");
  });
  await dark.close();

  await test.step("at 390 px every page fits, and the navigation shows every section", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    for (const [path, name] of PUBLIC_PAGES) {
      await small.goto(path);
      await expectNoSidewaysScroll(small, `${path} at 390 px`);
      await expectAccessible(small, `${path} at 390 px`);
      await screenshotStep(small, `390-${name}`);
    }
    await logIn(small, EMAIL, PASSWORD);
    const nav = small.getByRole("navigation", { name: "Main (small screens)" });
    for (const section of [
      "Overview",
      "API keys",
      "Audit log",
      "Alerts",
      "Members",
      "Settings",
      "Companies",
      "Operator keys",
    ]) {
      await expect(nav.getByRole("link", { name: section })).toBeInViewport();
    }
    for (const [path, name] of PAGES) {
      await small.goto(path);
      await expectNoSidewaysScroll(small, `${path} at 390 px`);
      await expectAccessible(small, `${path} at 390 px`);
      await screenshotStep(small, `390-${name}`);
    }
    await phone.close();
  });
});
