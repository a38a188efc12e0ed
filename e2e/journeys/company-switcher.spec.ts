// Journey: a user who belongs to two companies switches between them with the keyboard and sees
// only the keys of the company the session is in.
import { createCompany, createKey } from "@keyward/core";
import { expect, test } from "../support/fixtures";
import { logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const EMAIL = "sam@two-companies.test";
const PASSWORD = "sam's long password";

test("a member of two companies switches between them and sees each one's keys only", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const system = { type: "system" } as const;
  // Created in this order, so the first (Umbrella) is the one a sign-in opens.
  const umbrella = await createCompany(db, { name: "Umbrella", ownerEmail: EMAIL, ownerPassword: PASSWORD }, system);
  const { companyId: hooliId } = await createCompany(db, { name: "Hooli", ownerEmail: EMAIL }, system);
  await db.membership.update({
    where: { companyId_userId: { companyId: hooliId, userId: umbrella.ownerId } },
    data: { role: "viewer" },
  });
  await createKey(
    db,
    umbrella.companyId,
    { name: "umbrella-billing", scopes: ["*:read"], environment: "test" },
    system,
  );
  await createKey(db, hooliId, { name: "hooli-search", scopes: ["*:read"], environment: "test" }, system);

  await logIn(page, EMAIL, PASSWORD);
  const switcher = page.getByLabel("Company", { exact: true });
  const keyNames = page.getByTestId("key-link");

  await test.step("the session opens the first company: its keys, its role", async () => {
    await expect(page.getByTestId("company-name")).toHaveText("Umbrella");
    await expect(switcher).toHaveValue(umbrella.companyId);
    await expect(keyNames).toHaveText(["umbrella-billing"]);
    await expect(page.getByTestId("user-role")).toHaveText("Owner");
    await expectAccessible(page, "keys with the company switcher");
    await screenshotStep(page, "umbrella");
  });

  await test.step("switching with the keyboard opens the other company", async () => {
    await switcher.focus();
    await switcher.selectOption({ label: "Hooli (Viewer)" });
    // Choosing is not navigating: nothing happens until the button is pressed.
    await expect(page.getByTestId("company-name")).toHaveText("Umbrella");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Switch company" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("company-name")).toHaveText("Hooli");
    await expect(page).toHaveURL(/\/keys$/);
    await expect(keyNames).toHaveText(["hooli-search"]);
    await expect(page.getByTestId("user-role")).toHaveText("Viewer");
    await screenshotStep(page, "hooli");
  });

  await test.step("the other company's key is not reachable from here", async () => {
    const umbrellaKey = await db.apiKey.findFirstOrThrow({ where: { companyId: umbrella.companyId } });
    const response = await page.goto(`/keys/${umbrellaKey.id}`);
    expect(response?.status()).toBe(404);
  });

  await test.step("the session stays in the chosen company, and a removed membership cannot be switched to", async () => {
    await page.goto("/keys");
    await expect(page.getByTestId("company-name")).toHaveText("Hooli");
    await db.membership.delete({
      where: { companyId_userId: { companyId: umbrella.companyId, userId: umbrella.ownerId } },
    });
    // The page still offers Umbrella (it was rendered before): the switch re-checks the right.
    await switcher.selectOption(umbrella.companyId);
    await page.getByRole("button", { name: "Switch company" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "You cannot open this company." })).toBeVisible();
    await page.reload();
    await expect(keyNames).toHaveText(["hooli-search"]);
    await expect(switcher).toHaveCount(0);
    expect(browserErrors).toEqual([]);
  });
});
