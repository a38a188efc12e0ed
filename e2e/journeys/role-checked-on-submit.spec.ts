// Journey: an admin opens the create-key form, is demoted to viewer meanwhile, and submits.
// The server re-reads the role, refuses with a clear message, and creates nothing: the session's
// role (still "admin" in the signed token) is never trusted for a mutation.
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";

const EMAIL = "grace@acme.test";
const PASSWORD = "a long enough password";

test("a member demoted to viewer cannot create a key with the form they already opened", async ({
  page,
  db,
  screenshotStep,
}) => {
  const { companyId, userId } = await createMember(db, EMAIL, PASSWORD, "admin");
  await logIn(page, EMAIL, PASSWORD);
  await expect(page.getByTestId("user-role")).toHaveText("Admin");
  await page.goto("/keys/new");
  await page.getByLabel("Name").fill("made by a viewer");

  await db.membership.update({ where: { companyId_userId: { companyId, userId } }, data: { role: "viewer" } });
  await page.getByRole("button", { name: "Create key" }).click();

  await expect(page.getByTestId("form-error")).toContainText("Your role (viewer) can view keys but not create them");
  await expect(page.getByTestId("key-created")).toHaveCount(0);
  await screenshotStep(page, "refused");
  expect(await db.apiKey.count({ where: { companyId, name: "made by a viewer" } })).toBe(0);

  // Pages follow the fresh role too: no create button, and the form is replaced by an explanation.
  await page.goto("/keys");
  await expect(page.getByTestId("user-role")).toHaveText("Viewer");
  await expect(page.getByTestId("create-key-link")).toHaveCount(0);
  await page.goto("/keys/new");
  await expect(page.getByRole("alert").filter({ hasText: "can view keys but not create them" })).toBeVisible();
  await screenshotStep(page, "viewer-page");
});
