// Journey: someone guesses a member's password. After 10 failures the form refuses every attempt,
// even the right password, with how long to wait; once the window ends the member signs in again.
import type { Db } from "@keyward/db";
import { expect, type Page, test } from "@playwright/test";
import { LOGIN_THROTTLE_WINDOW_SECONDS } from "../support/env";
import { createMember, openDatabase } from "../support/members";
import { expectAccessible, screenshots, watchBrowserErrors } from "../support/page-checks";

const EMAIL = "throttled@acme.test";
const PASSWORD = "grace's real password";
const MAX_FAILURES = 10;

let db: Db;
test.beforeAll(() => {
  db = openDatabase();
});
test.afterAll(async () => {
  await db.$disconnect();
});

const screenshot = screenshots("login-throttling");

/** Submits the form and waits for the server's answer, so each check sees this attempt's message. */
async function attempt(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  // A fill made before React hydrates the form can be reset by hydration: check it held.
  await expect(page.getByLabel("Password")).toHaveValue(password);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}

test("repeated wrong passwords lock the email out until the window ends", async ({ page }) => {
  test.setTimeout((LOGIN_THROTTLE_WINDOW_SECONDS + 90) * 1000);
  const errors = watchBrowserErrors(page);
  await createMember(db, EMAIL, PASSWORD, "admin");
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  const firstFailureAt = Date.now();

  await test.step(`${MAX_FAILURES} wrong passwords are each refused as incorrect`, async () => {
    for (let i = 1; i <= MAX_FAILURES; i += 1) {
      await attempt(page, EMAIL, `wrong guess ${i}`);
      await expect(page.getByTestId("login-error")).toHaveText("Incorrect email or password.");
    }
    await screenshot(page, "incorrect");
  });

  await test.step("the next guess is refused with how long to wait", async () => {
    await attempt(page, EMAIL, "yet another guess");
    await expect(page.getByTestId("login-error")).toHaveText("Too many attempts, try again in 1 minute.");
    await expectAccessible(page, "throttled login");
    await screenshot(page, "too-many-attempts");
  });

  await test.step("the correct password is refused too, and the email's case does not matter", async () => {
    await attempt(page, EMAIL.toUpperCase(), PASSWORD);
    await expect(page.getByTestId("login-error")).toHaveText(/^Too many attempts, try again in 1 minute\.$/);
    await expect(page).toHaveURL(/\/login/);
    await screenshot(page, "correct-password-refused");
  });

  await test.step("once the window ends the correct password signs in", async () => {
    expect(Date.now() - firstFailureAt, "the window ended before the lockout was checked").toBeLessThan(
      LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
    );
    await page.waitForTimeout(Math.max(0, firstFailureAt + LOGIN_THROTTLE_WINDOW_SECONDS * 1000 + 1000 - Date.now()));
    await attempt(page, EMAIL, PASSWORD);
    await expect(page).toHaveURL(/\/keys$/);
    await screenshot(page, "signed-in");
  });

  expect(errors).toEqual([]);
});
