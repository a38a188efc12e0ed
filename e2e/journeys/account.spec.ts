// Journey: a member looks after their account. They change their password (another browser and an
// API token are signed out), sign out everywhere (the other browser's session is refused), then
// forget their password and reset it through the link the dashboard emails (a real SMTP server,
// started by global-setup.ts). The link works once.
import { stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { waitForMail } from "../support/mailbox";
import { createMember, logIn } from "../support/members";
import { atPhoneWidth, expectAccessible } from "../support/page-checks";

const EMAIL = "kel.varnsen@account-journey.test";
const FIRST = "art vandelay imports";
const SECOND = "latex salesman 1990";
const THIRD = "architect of record";

/** A user token from POST /v1/auth/login, as a script would get one. */
async function apiToken(password: string): Promise<string> {
  const res = await fetch(`${stackUrl("E2E_API_URL")}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function meStatus(token: string): Promise<number> {
  const res = await fetch(`${stackUrl("E2E_API_URL")}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  await res.body?.cancel();
  return res.status;
}

test("change password, sign out everywhere, reset a forgotten password by email", async ({
  page,
  browser,
  db,
  screenshotStep,
  browserErrors,
}) => {
  test.setTimeout(180_000);
  await createMember(db, EMAIL, FIRST, "admin");
  await logIn(page, EMAIL, FIRST);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await logIn(otherPage, EMAIL, FIRST);
  const token = await apiToken(FIRST);
  expect(await meStatus(token)).toBe(200);

  await test.step("the account page lists this browser, the other one and the API token", async () => {
    await page.getByTestId("account-link").click();
    await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
    await expect(page.getByTestId("session")).toHaveCount(3);
    await expect(page.getByTestId("this-session")).toHaveCount(1);
    await expect(page.getByTestId("sessions")).toContainText("API token");
    await expectAccessible(page, "account");
    await screenshotStep(page, "account");
  });

  await test.step("a wrong current password or two different new ones are refused", async () => {
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill(SECOND);
    await page.getByLabel("New password, again").fill(SECOND);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("#current-password-error")).toHaveText("This is not your current password");
    await page.getByLabel("Current password").fill(FIRST);
    await page.getByLabel("New password, again").fill("something else entirely");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("#confirm-password-error")).toHaveText("The two new passwords differ");
    await expectAccessible(page, "change password refused");
    await screenshotStep(page, "change-password-refused");
  });

  await test.step("the password changes; the other browser and the API token are signed out, this one stays", async () => {
    await page.getByLabel("New password, again").fill(SECOND);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByTestId("password-changed")).toHaveText(
      "Password changed. 2 other sessions were signed out.",
    );
    await expect(page.getByTestId("session")).toHaveCount(1);
    expect(await meStatus(token)).toBe(401);
    await otherPage.goto("/keys");
    await expect(otherPage).toHaveURL(/\/login/);
    await screenshotStep(page, "password-changed");
  });

  await test.step("on a phone-sized screen the account page still works", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByTestId("account-email")).toContainText(EMAIL);
    await expectAccessible(page, "account, small screen");
    await screenshotStep(page, "account-small-screen");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("sign out everywhere: this browser goes to /login, the other one's new session is refused", async () => {
    await logIn(otherPage, EMAIL, SECOND);
    const secondToken = await apiToken(SECOND);
    await page.goto("/account");
    await expect(page.getByTestId("session")).toHaveCount(3);
    await page.getByTestId("sign-out-everywhere").click();
    await expect(page).toHaveURL(/\/login$/);
    expect(await meStatus(secondToken)).toBe(401);
    await otherPage.goto("/account");
    await expect(otherPage).toHaveURL(/\/login/);
    expect(await db.userSession.count({ where: { user: { email: EMAIL }, revokedAt: null } })).toBe(0);
    await screenshotStep(page, "signed-out-everywhere");
  });

  await test.step("forgot password: the same answer for an unknown email, and no mail is sent to it", async () => {
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
    await expectAccessible(page, "forgot password");
    await screenshotStep(page, "forgot-password");
    await page.getByLabel("Email").fill("nobody@account-journey.test");
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await expect(page.getByTestId("reset-requested")).toContainText(
      "If nobody@account-journey.test has a Keyward account",
    );
  });

  const link = await test.step("the account's owner asks for a link and gets it by email", async () => {
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(EMAIL.toUpperCase());
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await expect(page.getByTestId("reset-requested")).toBeVisible();
    await screenshotStep(page, "reset-requested");
    const mail = await waitForMail(EMAIL);
    const url = /https?:\/\/\S+\/reset-password\/([A-Za-z0-9_-]{43})/.exec(mail)?.[0] ?? "";
    expect(url).not.toBe("");
    // Only the token's hash is stored.
    const token = url.split("/").at(-1) ?? "";
    expect(await db.passwordReset.count({ where: { tokenHash: token } })).toBe(0);
    return url;
  });

  await test.step("the link sets a new password, and the old one no longer signs in", async () => {
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await expectAccessible(page, "reset password");
    await screenshotStep(page, "reset-password");
    await atPhoneWidth(page, "reset password", () => screenshotStep(page, "reset-password-390"));
    await page.getByLabel("New password", { exact: true }).fill(THIRD);
    await page.getByLabel("New password, again").fill("not the same one at all");
    await page.getByRole("button", { name: "Set password and sign out everywhere" }).click();
    await expect(page.locator("#confirm-password-error")).toHaveText("The two new passwords differ");
    await page.getByLabel("New password, again").fill(THIRD);
    await page.getByRole("button", { name: "Set password and sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/login\?reset=1$/);
    await expect(page.getByTestId("password-reset-done")).toBeVisible();
    await screenshotStep(page, "reset-done");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(SECOND);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("login-error")).toHaveText("Incorrect email or password.");
    await logIn(page, EMAIL, THIRD);
  });

  await test.step("the link works once", async () => {
    await page.goto(link);
    await expect(page.getByTestId("reset-invalid")).toBeVisible();
    await expectAccessible(page, "reset link used");
    await screenshotStep(page, "reset-link-used");
  });

  await other.close();
  expect(browserErrors).toEqual([]);
});
