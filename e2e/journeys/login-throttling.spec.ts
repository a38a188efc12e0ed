// Journey: someone guesses a member's password. After 10 failures the form refuses every attempt,
// even the right password, with how long to wait; once the window ends the member signs in again.
import { LOGIN_THROTTLE_WINDOW_SECONDS } from "../support/env";
import { expect, test } from "../support/fixtures";
import { createMember, submitLogin } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const EMAIL = "throttled@acme.test";
const PASSWORD = "grace's real password";
const MAX_FAILURES = 10;

test("repeated wrong passwords lock the email out until the window ends", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  test.setTimeout((LOGIN_THROTTLE_WINDOW_SECONDS + 90) * 1000);
  await createMember(db, EMAIL, PASSWORD, "admin");
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  const firstFailureAt = Date.now();

  await test.step(`${MAX_FAILURES} wrong passwords are each refused as incorrect`, async () => {
    for (let i = 1; i <= MAX_FAILURES; i += 1) {
      await submitLogin(page, EMAIL, `wrong guess ${i}`);
      await expect(page.getByTestId("login-error")).toHaveText("Incorrect email or password.");
    }
    await screenshotStep(page, "incorrect");
  });

  await test.step("the next guess is refused with how long to wait", async () => {
    await submitLogin(page, EMAIL, "yet another guess");
    await expect(page.getByTestId("login-error")).toHaveText("Too many attempts, try again in 1 minute.");
    await expectAccessible(page, "throttled login");
    await screenshotStep(page, "too-many-attempts");
  });

  await test.step("the correct password is refused too, and the email's case does not matter", async () => {
    await submitLogin(page, EMAIL.toUpperCase(), PASSWORD);
    await expect(page.getByTestId("login-error")).toHaveText(/^Too many attempts, try again in 1 minute\.$/);
    await expect(page).toHaveURL(/\/login/);
    await screenshotStep(page, "correct-password-refused");
  });

  await test.step("once the window ends the correct password signs in", async () => {
    expect(Date.now() - firstFailureAt, "the window ended before the lockout was checked").toBeLessThan(
      LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
    );
    // The window itself is what is tested: wait it out in real time (it is short in the e2e stack).
    await page.waitForTimeout(Math.max(0, firstFailureAt + LOGIN_THROTTLE_WINDOW_SECONDS * 1000 + 1000 - Date.now()));
    await submitLogin(page, EMAIL, PASSWORD);
    await expect(page).toHaveURL(/\/keys$/);
    await screenshotStep(page, "signed-in");
  });

  expect(browserErrors).toEqual([]);
});
