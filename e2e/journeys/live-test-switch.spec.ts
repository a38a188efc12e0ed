// Journey: an admin flips the keys page's Live/Test switch. The table shows only that environment's
// keys (the URL says which, so it survives a reload), other filters are kept, and "Create key" opens
// the form already set to that environment.
import { randomBytes } from "node:crypto";
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const EMAIL = "margaret@acme.test";
const PASSWORD = "margaret's password";
// A word only this journey's keys contain, so keys made by other journeys do not change the counts.
const TAG = "switchboard";

test("the Live/Test switch filters the table and presets the new key's environment", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const { companyId } = await createMember(db, EMAIL, PASSWORD, "admin");
  // Rows straight into the database: random hashes stand in for keys nobody will ever use.
  await db.apiKey.createMany({
    data: (["live", "live", "test"] as const).map((environment, i) => ({
      companyId,
      name: `${TAG}-${environment}-${i}`,
      hash: randomBytes(32).toString("hex"),
      start: `kw_${environment}_Sw${i}x`,
      environment,
      scopes: ["keys:read"],
    })),
  });
  await logIn(page, EMAIL, PASSWORD);
  await page.getByLabel("Search").fill(TAG);
  await expect(page).toHaveURL(new RegExp(`q=${TAG}`));
  await expect(page.getByTestId("key-row")).toHaveCount(3);
  await expect(page.getByTestId("mode-all")).toHaveAttribute("aria-current", "page");
  await screenshotStep(page, "all");

  await test.step("Test shows only test keys and keeps the search", async () => {
    await page.getByTestId("mode-test").click();
    await expect(page).toHaveURL(/environment=test/);
    await expect(page).toHaveURL(new RegExp(`q=${TAG}`));
    await expect(page.getByTestId("key-row")).toHaveCount(1);
    await expect(page.getByTestId("key-row")).toContainText(`${TAG}-test-2`);
    await expect(page.getByTestId("mode-test")).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("test-mode-banner")).toBeVisible();
    // One environment control: the switch (the filters have none of their own).
    await expect(page.getByLabel("Environment")).toHaveCount(0);
    await expect(page.getByLabel("Search")).toHaveValue(TAG);
    await expectAccessible(page, "keys in test mode");
    await screenshotStep(page, "test-mode");
  });

  await test.step("Live shows only live keys, also after a reload", async () => {
    await page.getByTestId("mode-live").click();
    await expect(page).toHaveURL(/environment=live/);
    await page.reload();
    await expect(page.getByTestId("key-row")).toHaveCount(2);
    for (const row of await page.getByTestId("key-row").all()) await expect(row).toContainText(`${TAG}-live-`);
    await expect(page.getByTestId("test-mode-banner")).toHaveCount(0);
    await screenshotStep(page, "live-mode");
  });

  await test.step("Create key in live mode opens the form set to Live", async () => {
    await page.getByTestId("create-key-link").click();
    await expect(page).toHaveURL(/\/keys\/new\?environment=live$/);
    await expect(page.getByTestId("environment-live")).toBeChecked();
    await screenshotStep(page, "create-live");
  });

  await test.step("in test mode it opens set to Test", async () => {
    await page.goto("/keys?environment=test");
    await page.getByTestId("create-key-link").click();
    await expect(page).toHaveURL(/\/keys\/new\?environment=test$/);
    await expect(page.getByTestId("environment-test")).toBeChecked();
  });

  await test.step("All clears the environment filter", async () => {
    await page.goto(`/keys?environment=live&q=${TAG}`);
    await page.getByTestId("mode-all").click();
    await expect(page).toHaveURL(new RegExp(`/keys\\?q=${TAG}$`));
    await expect(page.getByTestId("key-row")).toHaveCount(3);
  });

  expect(browserErrors).toEqual([]);
});
