// Journey: the operator creates a company on the Companies page (its keys shown once), suspends it
// (its owner's session and sign-in are refused, saying why), resumes it, and opens it: acting there
// as its owner, audited as the operator. Anyone else finds no Companies page.
import { expect, test } from "../support/fixtures";
import { logIn, submitLogin } from "../support/members";
import { createOperator, expectOperatorOnly } from "../support/operators";
import { expectAccessible } from "../support/page-checks";

const OPERATOR = "olga@operator.test";
const OPERATOR_PASSWORD = "the operator's password";
const OWNER = "ivy@initech.test";
const OWNER_PASSWORD = "ivy's own long password";
const COMPANY = "Initech";
const SUSPENDED = "This company is suspended";

test("operator: create a company (keys once), suspend, resume, open it and act audited as the operator", async ({
  page,
  browser,
  db,
  screenshotStep,
  browserErrors,
}) => {
  await createOperator(db, OPERATOR, OPERATOR_PASSWORD);
  await expectOperatorOnly(
    { browser, db },
    { email: "milo@acme.test", password: "milo's long password" },
    { link: "Companies", path: "/companies" },
  );

  await logIn(page, OPERATOR, OPERATOR_PASSWORD);
  const row = page.getByTestId("company-row").filter({ hasText: COMPANY });

  await test.step("the operator lists the companies", async () => {
    await page.getByRole("link", { name: "Companies" }).click();
    await expect(page.getByRole("heading", { name: "Companies", level: 1 })).toBeVisible();
    await expect(page.getByTestId("company-row").first()).toBeVisible();
    await expectAccessible(page, "companies");
    await screenshotStep(page, "companies");
  });

  await test.step("creating a company shows its owner's password choice and both keys once", async () => {
    const form = page.getByTestId("create-company-form");
    await form.getByLabel("Company name").fill(COMPANY);
    await form.getByLabel("Owner email").fill(OWNER);
    await form.getByLabel("Owner password (optional)").fill("short");
    await form.getByLabel("Key prefix").fill("init");
    await page.getByTestId("create-company-submit").click();
    await expect(page.getByTestId("error-ownerPassword")).toContainText("12 characters");
    await form.getByLabel("Owner password (optional)").fill(OWNER_PASSWORD);
    await page.getByTestId("create-company-submit").click();
    const created = page.getByTestId("company-created");
    await expect(created).toContainText(`${COMPANY} is ready, owned by ${OWNER}`);
    await expect(page.getByTestId("admin-secret-value")).toHaveValue(/^init_live_/);
    await expect(page.getByTestId("readonly-secret-value")).toHaveValue(/^init_test_/);
    // A password was given: none is generated or shown.
    await expect(page.getByTestId("owner-password-reveal")).toHaveCount(0);
    await expectAccessible(page, "company created");
    await screenshotStep(page, "company-created");
    const secret = await page.getByTestId("admin-secret-value").inputValue();
    await page.getByTestId("company-created-done").click();
    await expect(row.getByTestId("company-status")).toHaveText("Active");
    await expect(row.getByTestId("company-active-keys")).toHaveText("2");
    // Shown once: the list never holds a secret.
    await expect(page.locator("body")).not.toContainText(secret);
    const company = await db.company.findFirstOrThrow({ where: { name: COMPANY } });
    const event = await db.auditEvent.findFirstOrThrow({ where: { companyId: company.id, action: "company.created" } });
    expect(event.actorType).toBe("operator");
  });

  const ownerContext = await browser.newContext();
  const ownerPage = await ownerContext.newPage();
  await logIn(ownerPage, OWNER, OWNER_PASSWORD);
  await expect(ownerPage.getByTestId("company-name")).toHaveText(COMPANY);

  await test.step("suspending (after a confirmation) refuses the owner's session and sign-in, saying why", async () => {
    await row.getByRole("button", { name: `Suspend ${COMPANY}` }).click();
    const dialog = page.getByRole("dialog", { name: `Suspend ${COMPANY}?` });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "suspend dialog");
    await screenshotStep(page, "suspend-dialog");
    await dialog.getByRole("button", { name: "Suspend company" }).click();
    await expect(row.getByTestId("company-status")).toHaveText("Suspended");
    await expect(row.getByRole("button", { name: `Open ${COMPANY}` })).toHaveCount(0);

    // The owner's next request is refused.
    await ownerPage.reload();
    await expect(ownerPage).toHaveURL(/\/login\?suspended=1$/);
    await expect(ownerPage.getByTestId("session-suspended")).toContainText(SUSPENDED);
    await expectAccessible(ownerPage, "login, company suspended");
    // And signing in again says so (only after the right password).
    await submitLogin(ownerPage, OWNER, OWNER_PASSWORD);
    await expect(ownerPage.getByTestId("login-error")).toContainText(SUSPENDED);
    await screenshotStep(ownerPage, "owner-refused");
    await submitLogin(ownerPage, OWNER, "not ivy's password at all");
    await expect(ownerPage.getByTestId("login-error")).toHaveText("Incorrect email or password.");
  });

  await test.step("resuming lets the owner in again", async () => {
    await row.getByRole("button", { name: `Resume ${COMPANY}` }).click();
    await page
      .getByRole("dialog", { name: `Resume ${COMPANY}?` })
      .getByRole("button", { name: "Resume company" })
      .click();
    await expect(row.getByTestId("company-status")).toHaveText("Active");
    // The session that was refused (never ended) works again, and so does signing in.
    await ownerPage.goto("/keys");
    await expect(ownerPage.getByTestId("company-name")).toHaveText(COMPANY);
    await ownerContext.clearCookies();
    await logIn(ownerPage, OWNER, OWNER_PASSWORD);
    await expect(ownerPage.getByTestId("company-name")).toHaveText(COMPANY);
    await ownerContext.close();
  });

  await test.step("opening the company acts there as its owner, audited as the operator", async () => {
    await row.getByRole("button", { name: `Open ${COMPANY}` }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByTestId("company-name")).toHaveText(COMPANY);
    await expect(page.getByTestId("user-role")).toHaveText("Owner");
    await expect(page.getByTestId("via-operator")).toBeVisible();
    await expect(page.getByTestId("key-link")).toHaveCount(2);
    await expectAccessible(page, "keys, opened by the operator");
    await screenshotStep(page, "opened-as-operator");

    await page.goto("/keys/new");
    await page.getByLabel("Name").fill("made-by-the-operator");
    await page.getByTestId("create-key-submit").click();
    await expect(page.getByTestId("key-created")).toBeVisible();

    await page.goto("/audit");
    const created = page.getByTestId("audit-row").filter({ hasText: "made-by-the-operator" });
    await expect(created.first()).toContainText(`Operator ${OPERATOR}`);
    await expect(page.getByTestId("audit-row").and(page.locator('[data-action="company.suspended"]'))).toContainText(
      `Operator ${OPERATOR}`,
    );
    await expectAccessible(page, "audit, operator events");
    await screenshotStep(page, "audit-operator");
    expect(browserErrors).toEqual([]);
  });
});
