// Journey: an admin sets up Keyward (its keys also land in .env.local, written and downloadable),
// creates a read-only test key for CI, sees its secret once, and the API honours exactly its scopes.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { stackRepoRoot, stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { expectAccessible } from "../support/page-checks";
import { logFile } from "../support/stack";

/** A screenshot at the desktop width, then one at a phone's (390 px), back to the desktop after. */
async function atBothWidths(page: Page, name: string, screenshotStep: (page: Page, name: string) => Promise<void>) {
  await screenshotStep(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page, `${name} at 390 px`);
  await screenshotStep(page, `${name}-390`);
  await page.setViewportSize({ width: 1280, height: 860 });
}

const COMPANY = "Acme Logistics";
const EMAIL = "ada@acme.test";
const PASSWORD = "correct horse battery staple";

test("create a read-only test key, use it against the API, and never see its secret again", async ({
  page,
  screenshotStep,
  browserErrors,
}) => {
  const apiUrl = stackUrl("E2E_API_URL");
  let secret = "";

  await test.step("first run: /login sends to /setup, which creates the company", async () => {
    await page.goto("/login");
    await expect(page).toHaveURL(/\/setup$/);
    await expect(page.getByRole("heading", { name: "Welcome to Keyward" })).toBeVisible();
    await expectAccessible(page, "setup form");
    await atBothWidths(page, "setup-form", screenshotStep);

    await page.getByLabel("Company name").fill(COMPANY);
    await page.getByLabel("Your email").fill(EMAIL);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create company" }).click();
    await expect(page.locator("#password-error")).toContainText("12 characters");
    await screenshotStep(page, "setup-field-error");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create company" }).click();
    await expect(page.getByTestId("setup-done")).toBeVisible();
    await expect(page.getByTestId("admin-secret-value")).toHaveValue(/^kw_live_/);
    await expect(page.getByTestId("readonly-secret-value")).toHaveValue(/^kw_test_/);
    await expect(page.getByText("Copy this key now. You will not see it again.").first()).toBeVisible();
    await expectAccessible(page, "setup done");
    await atBothWidths(page, "setup-keys-revealed", screenshotStep);
  });

  await test.step("setup wrote .env.local (mode 0600, path shown) and offers the same text as a download", async () => {
    const adminKey = await page.getByTestId("admin-secret-value").inputValue();
    const readOnlyKey = await page.getByTestId("readonly-secret-value").inputValue();
    const expected = `KEYWARD_ADMIN_KEY=${adminKey}\nKEYWARD_READONLY_KEY=${readOnlyKey}\n`;
    // The stack's KEYWARD_REPO_ROOT is a temp folder standing in for the checkout `pnpm start` runs from.
    const path = join(stackRepoRoot(), ".env.local");
    await expect(page.getByTestId("env-file-outcome")).toHaveAttribute("data-status", "created");
    await expect(page.getByTestId("env-file-path")).toHaveText(path);
    expect(readFileSync(path, "utf8")).toBe(expected);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("env-file-download").click(),
    ]);
    // From memory (a blob: URL), never a URL the server could see or log.
    expect(download.url()).toMatch(/^blob:/);
    expect(download.suggestedFilename()).toMatch(/^\.?env\.local$/);
    expect(readFileSync(await download.path(), "utf8")).toBe(expected);
    await page.getByTestId("continue-to-login").click();
  });

  await test.step("log in", async () => {
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("wrong password!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("login-error")).toHaveText("Incorrect email or password.");
    await screenshotStep(page, "login-refused");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByTestId("user-email")).toHaveText(EMAIL);
    // The two keys made by setup are listed, without their secrets.
    await expect(page.getByTestId("key-row")).toHaveCount(2);
    await screenshotStep(page, "keys-after-setup");
  });

  await test.step("create a read-only test key", async () => {
    await page.getByTestId("create-key-link").click();
    await expect(page).toHaveURL(/\/keys\/new$/);
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("error-name")).toBeVisible();
    await screenshotStep(page, "create-key-field-error");

    await page.getByLabel("Name").fill("CI pipeline (read-only)");
    await page.getByText("Read-only", { exact: true }).click();
    await expect(page.getByTestId("preset-read-only")).toBeChecked();
    await page.getByText("Test", { exact: true }).click();
    await expect(page.getByTestId("environment-test")).toBeChecked();
    await screenshotStep(page, "create-key-form");
    await page.getByRole("button", { name: "Create key" }).click();
  });

  await test.step("the secret is revealed once", async () => {
    await expect(page.getByTestId("key-created")).toBeVisible();
    secret = await page.getByTestId("secret-value").inputValue();
    expect(secret).toContain("_test_");
    expect(secret).toMatch(/^kw_test_[0-9A-Za-z]{49}$/);
    await expect(page.getByText("Copy this key now. You will not see it again.")).toBeVisible();
    await expect(page.getByTestId("secret-copy")).toBeVisible();
    await screenshotStep(page, "key-revealed");
  });

  await test.step("the API accepts the key for reads and refuses writes", async () => {
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const list = await fetch(`${apiUrl}/v1/keys`, { headers });
    expect(list.status).toBe(200);

    const create = await fetch(`${apiUrl}/v1/keys`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "should not exist", scopes: ["*"], environment: "test" }),
    });
    expect(create.status).toBe(403);
    const body = (await create.json()) as {
      errors: { code: string; details: { required: string[]; available: string[] } }[];
    };
    expect(body.errors[0]?.code).toBe("FORBIDDEN");
    expect(body.errors[0]?.details.required).toEqual(["keys:write"]);
    expect(body.errors[0]?.details.available).toEqual(["*:read"]);
  });

  await test.step("after a reload the secret is gone for good", async () => {
    await page.reload();
    await expect(page).toHaveURL(/\/keys\?created=/);
    const row = page.getByTestId("key-row").filter({ hasText: "CI pipeline (read-only)" });
    await expect(row).toBeVisible();
    await expect(row.getByTestId("key-start")).toHaveText(`${secret.slice(0, "kw_test_".length + 4)}…`);
    await expect(row.getByTestId("key-scopes")).toHaveText("*:read");
    await expect(page.getByTestId("key-created")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
    // The server's HTML and RSC payload for the page, fetched afresh with the session cookie.
    const html = await (await page.request.get(page.url())).text();
    expect(html).not.toContain(secret);
    expect(html).toContain("CI pipeline (read-only)");
    await screenshotStep(page, "keys-after-reload");
  });

  await test.step("log out", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/keys");
    await expect(page).toHaveURL(/\/login\?next=%2Fkeys$/);
    await screenshotStep(page, "logged-out");
  });

  await test.step("no script error and no CSP violation in the browser", async () => {
    // The nonce-based CSP must not block any of the dashboard's own scripts or styles.
    expect(browserErrors).toEqual([]);
  });

  await test.step("the secret was never logged", async () => {
    for (const service of ["web", "api"]) {
      expect(readFileSync(logFile(service), "utf8"), `${service} log`).not.toContain(secret);
    }
  });
});
