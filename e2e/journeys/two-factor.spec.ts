// Journey: a member turns on two-factor sign-in. They scan (here: read) the key on the account page,
// confirm it with a code and save the ten recovery codes; then sign in with a code from the app,
// with a recovery code (which is refused the second time), and are refused a wrong code. Last they
// make new recovery codes and turn it off. Codes are computed here with the same library as the
// server; each one is for a step after the last one used, so none is refused as a replay and no
// step has to be waited for.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { generateSync } from "otplib";
import { stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { expectAccessible, expectNoSidewaysScroll } from "../support/page-checks";

const EMAIL = `tess.factor-${randomUUID().slice(0, 8)}@two-factor-journey.test`;
const PASSWORD = "two factors are better";
const STEP_MS = 30_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * Authenticator codes as the app shows them, each for a step after the previous one's (a code is
 * taken once per step): the current step's, else the next one's (the server takes one step of
 * drift), else, when that one was used too, the next step's once the clock reaches it.
 */
function authenticator(secret: string) {
  let lastStep = -1;
  return async (): Promise<string> => {
    let current = Math.floor(Date.now() / STEP_MS);
    if (lastStep > current) {
      await new Promise((resolve) => setTimeout(resolve, (current + 1) * STEP_MS - Date.now() + 50));
      current = Math.floor(Date.now() / STEP_MS);
    }
    const step = Math.max(current, lastStep + 1);
    lastStep = step;
    return generateSync({ secret, epoch: (step * STEP_MS) / 1000 });
  };
}

test("two-factor sign-in: set up, sign in with a code and with a recovery code, regenerate, turn off", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  test.setTimeout(180_000);
  await createMember(db, EMAIL, PASSWORD, "viewer");
  await logIn(page, EMAIL, PASSWORD);
  const section = page.getByTestId("two-factor");

  const nextCode =
    await test.step("set up: the QR code and the key, a wrong code refused, the right one turns it on", async () => {
      await page.goto("/account");
      await expect(section.getByTestId("two-factor-status")).toContainText("Off.");
      await section.getByRole("button", { name: "Set up two-factor authentication" }).click();
      await expect(section.getByRole("img", { name: /QR code of the key/ })).toBeVisible();
      const secret = ((await section.getByTestId("two-factor-secret").textContent()) ?? "").replaceAll(" ", "");
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      // Sealed at rest: the key is nowhere in the row.
      const row = await db.userTwoFactor.findFirstOrThrow({ where: { user: { email: EMAIL } } });
      expect(row.sealedSecret).not.toContain(secret);
      expect(row.enabledAt).toBeNull();
      await expectAccessible(page, "two-factor setup");
      await screenshotStep(page, "account-setup");

      await page.setViewportSize(PHONE);
      await expectNoSidewaysScroll(page, "two-factor setup at 390 px");
      await expectAccessible(page, "two-factor setup at 390 px");
      await screenshotStep(page, "account-setup-390");
      await page.setViewportSize(DESKTOP);

      const code = authenticator(secret);
      await section.getByLabel("Code from the app").fill("12345");
      await section.getByRole("button", { name: "Turn on two-factor authentication" }).click();
      await expect(page.locator("#two-factor-confirm-code-error")).toContainText("That code is not right");
      await section.getByLabel("Code from the app").fill(await code());
      await section.getByRole("button", { name: "Turn on two-factor authentication" }).click();
      await expect(section.getByTestId("recovery-code")).toHaveCount(10);
      return code;
    });

  const recoveryCodes = await test.step("the ten recovery codes are shown once, and download as text", async () => {
    const codes = await section.getByTestId("recovery-code").allTextContents();
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      section.getByRole("button", { name: "Download as text" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("keyward-recovery-codes.txt");
    const text = await readFile(await download.path(), "utf8");
    for (const code of codes) expect(text).toContain(code);
    // Only hashes are stored.
    const stored = await db.userRecoveryCode.findMany({ where: { user: { email: EMAIL } } });
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(codes[0]);
    await expectAccessible(page, "recovery codes");
    await screenshotStep(page, "account-recovery-codes");
    await section.getByRole("button", { name: "I have saved them" }).click();
    await expect(section.getByTestId("two-factor-status")).toContainText("On.");
    await expect(section.getByTestId("two-factor-status")).toContainText("10 of 10 recovery codes left");
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page, "two-factor on at 390 px");
    await expectAccessible(page, "two-factor on at 390 px");
    await screenshotStep(page, "account-on-390");
    await page.setViewportSize(DESKTOP);
    await screenshotStep(page, "account-on");
    return codes;
  });

  const logOut = async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login/);
  };
  const passwordStep = async () => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("code-step")).toContainText(EMAIL);
  };
  const submitCode = async (code: string) => {
    await page.getByLabel("Authentication code").fill(code);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
  };

  await test.step("the API asks for the code too", async () => {
    const res = await fetch(`${stackUrl("E2E_API_URL")}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe("TWO_FACTOR_REQUIRED");
  });

  await test.step("signing in asks for a code after the password; a wrong one is refused; the app's signs in", async () => {
    await logOut();
    await passwordStep();
    await expect(page.getByLabel("Authentication code")).toBeFocused();
    await expectAccessible(page, "login code step");
    await screenshotStep(page, "login-code-step");
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page, "login code step at 390 px");
    await expectAccessible(page, "login code step at 390 px");
    await screenshotStep(page, "login-code-step-390");
    await page.setViewportSize(DESKTOP);

    await submitCode("000000-not-a-code");
    await expect(page.getByTestId("login-error")).toContainText("Incorrect code");
    await expectAccessible(page, "login wrong code");
    await screenshotStep(page, "login-wrong-code");
    await submitCode(await nextCode());
    await expect(page).toHaveURL(/\/keys$/);
  });

  await test.step("a recovery code signs in once; the second time it is refused", async () => {
    const [first = "", second = ""] = recoveryCodes;
    await logOut();
    await passwordStep();
    await submitCode(first.toUpperCase());
    await expect(page).toHaveURL(/\/keys$/);
    await logOut();
    await passwordStep();
    await submitCode(first);
    await expect(page.getByTestId("login-error")).toContainText("Incorrect code");
    await submitCode(second);
    await expect(page).toHaveURL(/\/keys$/);
    await page.goto("/account");
    await expect(section.getByTestId("two-factor-status")).toContainText("8 of 10 recovery codes left");
  });

  await test.step("new recovery codes take a code from the app; the old ones stop working", async () => {
    await section.getByLabel("Code from your authenticator app").fill(recoveryCodes[2] ?? "");
    await section.getByRole("button", { name: "Regenerate recovery codes" }).click();
    await expect(page.locator("#two-factor-regenerate-code-error")).toContainText("That code is not right");
    await section.getByLabel("Code from your authenticator app").fill(await nextCode());
    await section.getByRole("button", { name: "Regenerate recovery codes" }).click();
    await expect(section.getByTestId("recovery-code")).toHaveCount(10);
    const fresh = await section.getByTestId("recovery-code").allTextContents();
    expect(fresh).not.toContain(recoveryCodes[2]);
    await section.getByRole("button", { name: "I have saved them" }).click();
    await expect(section.getByTestId("two-factor-status")).toContainText("10 of 10 recovery codes left");
  });

  await test.step("turning it off takes the password and a code; then the password alone signs in", async () => {
    // The password is checked first: this code is never looked at.
    await section.getByLabel("Current password").fill("not my password at all");
    await section.getByLabel("Authentication code").fill("000000");
    await section.getByRole("button", { name: "Turn off two-factor authentication" }).click();
    await expect(page.locator("#two-factor-password-error")).toHaveText("This is not your current password");
    await section.getByLabel("Current password").fill(PASSWORD);
    await section.getByLabel("Authentication code").fill(await nextCode());
    await section.getByRole("button", { name: "Turn off two-factor authentication" }).click();
    await expect(section.getByTestId("two-factor-status")).toContainText("Off.");
    expect(await db.userTwoFactor.count({ where: { user: { email: EMAIL } } })).toBe(0);
    await logOut();
    await logIn(page, EMAIL, PASSWORD);
  });

  expect(browserErrors).toEqual([]);
});
