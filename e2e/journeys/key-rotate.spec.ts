// Journey: an admin rotates a key with a one-hour grace period. The new secret is shown once; both
// keys work; the old key shows as expiring with a countdown. When its grace ends (a key_changes row
// tells every API replica), the old key is refused within a second and the new one still works.
import { readFileSync } from "node:fs";
import { meStatus } from "../support/api";
import { expect, test } from "../support/fixtures";
import { createAdminWithKey, logIn } from "../support/members";
import { expectAccessible, within } from "../support/page-checks";
import { logFile } from "../support/stack";

const EMAIL = "rotator@acme.test";
const PASSWORD = "rotate me carefully";
const NAME = "billing-service";

test("rotate with a grace period: both keys work, then the old one stops within a second", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const old = await createAdminWithKey(db, EMAIL, PASSWORD, { name: NAME, scopes: ["*:read"], environment: "live" });
  expect(await meStatus(old.secret)).toBe(200);
  let secret = "";

  await test.step("the key's page shows its details, usage and audit trail", async () => {
    await logIn(page, EMAIL, PASSWORD);
    await page.getByTestId("key-link").filter({ hasText: NAME }).click();
    await expect(page).toHaveURL(new RegExp(`/keys/${old.key.id}$`));
    await expect(page.getByTestId("key-name")).toHaveText(NAME);
    // Usage flushes may add request.refused rows at any moment: find the row by its action.
    await expect(page.locator('[data-testid="audit-row"][data-action="key.created"]').first()).toBeVisible();
    await expectAccessible(page, "key detail");
    await screenshotStep(page, "key-detail");
  });

  await test.step("the rotate dialog opens and closes from the keyboard", async () => {
    await page.getByTestId("rotate-open").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: `Rotate “${NAME}”` });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "rotate dialog");
    await screenshotStep(page, "rotate-dialog");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  });

  await test.step("rotate with one hour of grace: the new secret is shown once", async () => {
    await page.getByTestId("rotate-open").click();
    await page.getByRole("radio", { name: /1 hour/ }).check();
    await page.getByTestId("rotate-submit").click();
    await expect(page.getByTestId("key-rotated")).toBeVisible();
    secret = await page.getByTestId("secret-value").inputValue();
    expect(secret).toMatch(/^kw_live_[0-9A-Za-z]{49}$/);
    expect(secret).not.toBe(old.secret);
    await expect(page.getByText("Copy this key now. You will not see it again.")).toBeVisible();
    await expect(page.getByTestId("key-rotated")).toContainText("The old key keeps working until");
    await screenshotStep(page, "new-secret");
  });

  await test.step("both keys work during the grace period", async () => {
    expect(await meStatus(old.secret)).toBe(200);
    expect(await meStatus(secret)).toBe(200);
  });

  await test.step("the old key shows as expiring, with a countdown", async () => {
    await page.getByTestId("reveal-done").click();
    await expect(page.getByTestId("key-name")).toHaveText(NAME);
    expect(await page.content()).not.toContain(secret);
    await page.goto(`/keys/${old.key.id}`);
    // The API writes usage in batches (every few seconds): the chart and last use appear after a flush.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("usage-chart").locator("svg").first()).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId("usage-totals")).toContainText(/[1-9]\d* allowed/);
    await expect(page.getByTestId("last-used-ip")).toHaveText(/\d/);
    await expect(page.getByTestId("key-status")).toHaveText("Expiring");
    await expect(page.getByTestId("countdown")).toHaveText(/stops working in (59m|1h 0m)/);
    const first = await page.getByTestId("countdown").textContent();
    await expect(page.getByTestId("countdown")).not.toHaveText(first ?? "");
    // Usage flushes may add request.refused rows at any moment: find the row by its action.
    await expect(page.locator('[data-testid="audit-row"][data-action="key.rotated"]').first()).toBeVisible();
    await expectAccessible(page, "expiring key");
    await screenshotStep(page, "old-key-expiring");
    await page.goto("/keys");
    await expect(page.locator(`[data-key-id="${old.key.id}"]`).getByTestId("key-status")).toHaveText("Expiring");
    await screenshotStep(page, "keys-list");
  });

  await test.step("when the grace period ends, the old key is refused within a second", async () => {
    await db.$executeRaw`UPDATE api_keys SET grace_ends_at = now() - interval '1 second' WHERE id = ${old.key.id}::uuid`;
    await db.$executeRaw`INSERT INTO key_changes (key_id) VALUES (${old.key.id}::uuid)`;
    const took = await within(1_000, async () => (await meStatus(old.secret)) === 401);
    expect(took).toBeLessThanOrEqual(1_000);
    expect(await meStatus(secret)).toBe(200);
    await page.goto(`/keys/${old.key.id}`);
    await expect(page.getByTestId("key-status")).toHaveText("Expired");
    await expect(page.getByTestId("rotate-open")).toHaveCount(0);
    await screenshotStep(page, "old-key-expired");
  });

  await test.step("no script error or CSP violation, and the secret was never logged", async () => {
    expect(browserErrors).toEqual([]);
    for (const service of ["web", "api"]) {
      expect(readFileSync(logFile(service), "utf8"), `${service} log`).not.toContain(secret);
    }
  });
});
