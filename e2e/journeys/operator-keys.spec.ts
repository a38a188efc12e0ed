// Journey: the operator creates an operator key in the dashboard (its secret shown once) and a service
// verifies a company's key with it through the API; revoking it gets it refused. Then the operator
// deletes a company, typing its name to confirm: its key is refused at once. Anyone else finds no
// Operator keys page.
import { createCompany, createKey, createOperatorKey } from "@keyward/core";
import { meStatus, verifyStatus } from "../support/api";
import { expect, test } from "../support/fixtures";
import { logIn } from "../support/members";
import { createOperator, expectOperatorOnly } from "../support/operators";
import { expectAccessible } from "../support/page-checks";

const OPERATOR = "oona@opkeys.test";
const OPERATOR_PASSWORD = "oona's long operator password";
const COMPANY = "Dunder Mifflin";
const KEY_NAME = "dunder-verifier";

test("operator: operator keys created once, used and revoked; a company deleted after typing its name", async ({
  page,
  browser,
  db,
  screenshotStep,
  browserErrors,
}) => {
  await createOperator(db, OPERATOR, OPERATOR_PASSWORD);
  // The customer company whose key the operator's service verifies, and which is deleted at the end.
  const system = { type: "system" } as const;
  const dunder = await createCompany(db, { name: COMPANY, ownerEmail: "owner@dunder.test" }, system);
  const { secret: dunderKey } = await createKey(
    db,
    dunder.companyId,
    { name: "paper-orders", scopes: ["orders:read"], environment: "live" },
    system,
  );

  await expectOperatorOnly(
    { browser, db },
    { email: "nils@opkeys.test", password: "nils's long password" },
    { link: "Operator keys", path: "/operator-keys" },
  );

  await logIn(page, OPERATOR, OPERATOR_PASSWORD);
  const keyRow = page.getByTestId("operator-key-row").filter({ hasText: KEY_NAME });
  let operatorSecret = "";

  await test.step("the operator creates an operator key: its secret is shown once", async () => {
    await page.getByRole("link", { name: "Operator keys" }).first().click();
    await expect(page.getByRole("heading", { name: "Operator keys", level: 1 })).toBeVisible();
    await expectAccessible(page, "operator keys");
    await screenshotStep(page, "operator-keys");

    const form = page.getByTestId("create-operator-key-form");
    await form.getByLabel("Name").fill(KEY_NAME);
    // No scope at all is refused, under the scopes.
    await form.getByRole("checkbox", { name: "keys:verify" }).uncheck();
    await page.getByTestId("create-operator-key-submit").click();
    await expect(page.getByTestId("error-scopes")).toHaveText("Give at least one scope");
    await expectAccessible(page, "operator key form, refused");
    await form.getByRole("checkbox", { name: "keys:verify" }).check();
    await form.getByRole("checkbox", { name: "companies:read" }).check();
    await page.getByTestId("create-operator-key-submit").click();

    await expect(page.getByTestId("operator-key-created")).toContainText(KEY_NAME);
    await expect(page.getByTestId("operator-secret-value")).toHaveValue(/^kwop_live_/);
    operatorSecret = await page.getByTestId("operator-secret-value").inputValue();
    await expectAccessible(page, "operator key created");
    await screenshotStep(page, "operator-key-created");
    const row = await db.operatorKey.findFirstOrThrow({ where: { name: KEY_NAME } });
    expect(row.scopes).toEqual(["companies:read", "keys:verify"]);
    // Who created it is on its row (there is no installation-wide log); never the secret.
    expect(row.createdByUserId).toBe((await db.user.findUniqueOrThrow({ where: { email: OPERATOR } })).id);
    expect(JSON.stringify(row)).not.toContain(operatorSecret);
  });

  await test.step("a service verifies a company's key with it through the API", async () => {
    const verified = await verifyStatus(operatorSecret, dunderKey);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true, code: "VALID", company: { name: COMPANY } });
  });

  await test.step("the list shows the key without its secret", async () => {
    await page.getByTestId("operator-key-created-done").click();
    await expect(keyRow.getByTestId("key-status")).toHaveText("Active");
    await expect(keyRow.getByTestId("operator-key-scopes")).toHaveText("companies:readkeys:verify");
    await expect(page.locator("body")).not.toContainText(operatorSecret);
    await expect(page.getByTestId("operator-secret-value")).toHaveCount(0);
  });

  await test.step("revoking it (after a confirmation) gets it refused by the API", async () => {
    await keyRow.getByRole("button", { name: `Revoke ${KEY_NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: `Revoke ${KEY_NAME}?` });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "revoke operator key dialog");
    await screenshotStep(page, "revoke-operator-key");
    await dialog.getByRole("button", { name: "Revoke operator key" }).click();
    await expect(keyRow.getByTestId("key-status")).toHaveText("Revoked");
    await expect(keyRow.getByRole("button", { name: `Revoke ${KEY_NAME}` })).toHaveCount(0);
    // The API replica learns it from the key-change log (it polls every 100 ms).
    await expect.poll(async () => (await verifyStatus(operatorSecret, dunderKey)).status).toBe(401);
    await screenshotStep(page, "operator-key-revoked");
  });

  await test.step("deleting a company takes its name typed exactly; its key is refused at once", async () => {
    const { secret: verifier } = await createOperatorKey(db, { name: "dunder-check", scopes: ["keys:verify"] }, null);
    // The API has the company's key in its cache before the deletion.
    expect((await verifyStatus(verifier, dunderKey)).body).toMatchObject({ valid: true });
    expect(await meStatus(dunderKey)).toBe(200);

    await page.getByRole("link", { name: "Companies" }).first().click();
    // The company this session is in offers no Delete: the operator switches to another one first.
    const current = page.getByTestId("company-row").filter({ hasText: "(open now)" });
    await expect(current).toHaveCount(1);
    await expect(current.getByRole("button", { name: /^Delete / })).toHaveCount(0);

    const row = page.getByTestId("company-row").filter({ hasText: COMPANY });
    await row.getByRole("button", { name: `Delete ${COMPANY}` }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${COMPANY}?` });
    const confirm = dialog.getByRole("button", { name: "Delete company" });
    const typed = dialog.getByLabel(`Type ${COMPANY} to confirm`);
    await expect(confirm).toBeDisabled();
    await typed.fill("dunder mifflin");
    await expect(confirm).toBeDisabled();
    await expectAccessible(page, "delete company dialog");
    await screenshotStep(page, "delete-company-dialog");
    await typed.fill(COMPANY);
    await expect(confirm).toBeEnabled();
    await confirm.click();
    await expect(row).toHaveCount(0);
    expect(await db.company.findUnique({ where: { id: dunder.companyId } })).toBeNull();
    // Its owner stays, with no company.
    expect(await db.user.findUnique({ where: { email: "owner@dunder.test" } })).not.toBeNull();

    await expect.poll(() => meStatus(dunderKey)).toBe(401);
    expect((await verifyStatus(verifier, dunderKey)).body).toMatchObject({ valid: false, code: "NOT_FOUND" });
    await expectAccessible(page, "companies after a deletion");
    await screenshotStep(page, "company-deleted");
    expect(browserErrors).toEqual([]);
  });
});
