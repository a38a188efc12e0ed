// Journey (KEYWARD_SIGNUP=open in the e2e stack): someone new creates a company from the login page
// and lands in it as its owner; an existing account's email with another password is refused.
import { expect, test } from "../support/fixtures";
import { createMember } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const EMAIL = "wendy@waystar.test";
const PASSWORD = "wendy's long password";

test("sign-up: a new company and its owner, signed in; another account's email is refused", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  await test.step("the login page links to the sign-up page", async () => {
    await page.goto("/login");
    await page.getByRole("link", { name: "Create a company" }).click();
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByRole("heading", { name: "Create your company" })).toBeVisible();
    await expectAccessible(page, "sign-up");
    await screenshotStep(page, "signup");
  });

  await test.step("the fields are checked", async () => {
    await page.getByLabel("Company name").fill("Waystar");
    await page.getByLabel("Your email").fill("not an email");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create company" }).click();
    await expect(page.getByTestId("error-email")).toBeVisible();
    await expect(page.getByTestId("error-password")).toContainText("12 characters");
    await expectAccessible(page, "sign-up with errors");
  });

  await test.step("an existing account's email with another password is refused, and nothing is created", async () => {
    const taken = "taken@acme.test";
    await createMember(db, taken, "the account's own password", "viewer");
    await page.getByLabel("Your email").fill(taken);
    await page.getByLabel("Password").fill("somebody else's guess");
    await page.getByRole("button", { name: "Create company" }).click();
    await expect(page.getByTestId("signup-error")).toContainText("cannot be used to sign up");
    expect(await db.company.count({ where: { name: "Waystar" } })).toBe(0);
    await screenshotStep(page, "refused");
  });

  await test.step("a new email creates the company and signs its owner in", async () => {
    await page.getByLabel("Your email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create company" }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByTestId("company-name")).toHaveText("Waystar");
    await expect(page.getByTestId("user-role")).toHaveText("Owner");
    await expect(page.getByTestId("key-link")).toHaveCount(0);
    await expectAccessible(page, "keys after sign-up");
    await screenshotStep(page, "signed-up");
    const company = await db.company.findFirstOrThrow({ where: { name: "Waystar" } });
    const event = await db.auditEvent.findFirstOrThrow({ where: { companyId: company.id, action: "company.created" } });
    expect(event.actorType).toBe("system");
    expect(browserErrors).toEqual([]);
  });
});
