// Journey: an admin adds `vehicles` to the scope catalogue in Settings, then creates a key with
// `vehicles:read` picked from the form's scope list, and the API accepts it.
import { meStatus } from "../support/api";
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const EMAIL = "sam@acme.test";
const PASSWORD = "settings are my thing";

test("add a resource to the scope catalogue, then create a key with vehicles:read", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const { companyId } = await createMember(db, EMAIL, PASSWORD, "admin");
  await logIn(page, EMAIL, PASSWORD);

  await test.step("invalid and built-in names are refused", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
    await expectAccessible(page, "settings");
    await screenshotStep(page, "settings");
    await page.getByLabel("Resource", { exact: true }).fill("Vehicles!");
    await page.getByTestId("add-resource-submit").click();
    await expect(page.getByTestId("error-resource")).toContainText("Start with a letter");
    await page.getByLabel("Resource", { exact: true }).fill("keys");
    await page.getByTestId("add-resource-submit").click();
    await expect(page.getByTestId("error-resource")).toContainText("built-in");
    await screenshotStep(page, "resource-refused");
  });

  await test.step("vehicles is added", async () => {
    await page.getByLabel("Resource", { exact: true }).fill("vehicles");
    await page.getByLabel("Description (optional)").fill("Fleet <b>service</b>");
    await page.getByTestId("add-resource-submit").click();
    await expect(page.getByTestId("resource-saved")).toContainText("vehicles:read");
    await expect(page.getByTestId("resource-row").filter({ hasText: "vehicles" })).toContainText(
      "Fleet <b>service</b>",
    );
    await screenshotStep(page, "resource-added");
  });

  await test.step("the company name and prefix are validated", async () => {
    await page.getByLabel("Key prefix").fill("Not Valid");
    await page.getByTestId("keyPrefix-form").getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("error-keyPrefix")).toContainText("2–10 characters");
    await page.getByLabel("Key prefix").fill("kw");
    await screenshotStep(page, "prefix-refused");
  });

  const secret = await test.step("create a key with vehicles:read from the picker", async () => {
    await page.goto("/keys/new");
    await page.getByLabel("Name").fill("fleet-reader");
    await page.getByText("Custom", { exact: true }).click();
    await page.getByRole("checkbox", { name: "vehicles:read" }).check();
    await screenshotStep(page, "create-key-with-vehicles");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("key-created")).toContainText("vehicles:read");
    await screenshotStep(page, "key-created");
    return page.getByTestId("secret-value").inputValue();
  });

  const row = await db.apiKey.findFirstOrThrow({ where: { companyId, name: "fleet-reader" } });
  expect(row.scopes).toEqual(["vehicles:read"]);
  expect(await meStatus(secret)).toBe(200);
  expect(browserErrors).toEqual([]);
});
