// Journey: an admin revokes a key after a confirmation that names it; the API refuses it within a second.
import { meStatus } from "../support/api";
import { expect, test } from "../support/fixtures";
import { createAdminWithKey, logIn } from "../support/members";
import { expectAccessible, within } from "../support/page-checks";

const EMAIL = "revoker@acme.test";
const PASSWORD = "revoke it right now";
const NAME = "leaked-in-ci";

test("revoke a key: confirm in a dialog naming it, and the API answers 401 within a second", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const { key, secret } = await createAdminWithKey(db, EMAIL, PASSWORD, {
    name: NAME,
    scopes: ["keys:read"],
    environment: "test",
  });
  expect(await meStatus(secret)).toBe(200);

  await logIn(page, EMAIL, PASSWORD);
  await page.goto(`/keys/${key.id}`);
  await screenshotStep(page, "key-detail");

  await test.step("cancelling the dialog changes nothing", async () => {
    await page.getByTestId("revoke-open").click();
    const dialog = page.getByRole("dialog", { name: `Revoke “${NAME}”?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("stops working at once");
    await expectAccessible(page, "revoke dialog");
    await screenshotStep(page, "confirm-dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect(await meStatus(secret)).toBe(200);
  });

  await test.step("confirming revokes it everywhere within a second", async () => {
    await page.getByTestId("revoke-open").click();
    const dialog = page.getByRole("dialog", { name: `Revoke “${NAME}”?` });
    await dialog.getByLabel("Reason (optional)").fill("Printed in a CI log <script>alert(1)</script>");
    await dialog.getByRole("button", { name: `Revoke ${NAME}` }).click();
    const took = await within(1_000, async () => (await meStatus(secret)) === 401);
    expect(took).toBeLessThanOrEqual(1_000);
    await expect(page.getByTestId("revoked-banner")).toContainText("Printed in a CI log <script>alert(1)</script>");
    await expect(page.getByTestId("key-status")).toHaveText("Revoked");
    await expect(page.getByTestId("revoke-open")).toHaveCount(0);
    // Usage flushes may add request.refused rows at any moment: find the row by its action.
    await expect(page.locator('[data-testid="audit-row"][data-action="key.revoked"]').first()).toBeVisible();
    await expectAccessible(page, "revoked key");
    await screenshotStep(page, "revoked");
  });

  await test.step("the list shows it revoked", async () => {
    await page.goto("/keys?status=revoked");
    await expect(page.locator(`[data-key-id="${key.id}"]`).getByTestId("key-status")).toHaveText("Revoked");
    await screenshotStep(page, "list-revoked");
  });

  await test.step("on a phone-sized screen the key page and its navigation still work", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/keys/${key.id}`);
    await expect(page.getByRole("navigation", { name: "Main (small screens)" })).toBeVisible();
    await expect(page.getByTestId("key-name")).toBeVisible();
    await expectAccessible(page, "key detail, small screen");
    await screenshotStep(page, "small-screen");
    expect(browserErrors).toEqual([]);
  });
});
