// Journey: an owner invites the email of someone who already has a Keyward account (a member of
// another company); the link asks for that account's own password, never sets one, and signs them
// in to the company they just joined, next to the one they had.
import { createCompany, createInvite } from "@keyward/core";
import { expect, test } from "../support/fixtures";
import { expectAccessible } from "../support/page-checks";

const OWNER = "oscar@kramerica.test";
const MEMBER = "mia@vandelay.test";
const MEMBER_PASSWORD = "mia's own long password";

test("an existing account joins a second company with its own password, and lands in it", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const system = { type: "system" } as const;
  const vandelay = await createCompany(
    db,
    { name: "Vandelay", ownerEmail: MEMBER, ownerPassword: MEMBER_PASSWORD },
    system,
  );
  const kramerica = await createCompany(
    db,
    { name: "Kramerica", ownerEmail: OWNER, ownerPassword: "oscar's password 1" },
    system,
  );
  const { token } = await createInvite(db, kramerica.companyId, { email: MEMBER, role: "admin" }, system);
  const hashBefore = (await db.user.findUniqueOrThrow({ where: { id: vandelay.ownerId } })).passwordHash;

  await test.step("the link asks for the account's password, not a new one", async () => {
    await page.goto(`/invite/${token}`);
    await expect(page.getByRole("heading", { name: "Join Kramerica" })).toBeVisible();
    await expect(page.getByText("Enter your Keyward password to join.")).toBeVisible();
    await expectAccessible(page, "accept invite, existing account");
    await screenshotStep(page, "invite-existing-account");
    await page.getByLabel("Your password").fill("not mia's password at all");
    await page.getByRole("button", { name: "Join and sign in" }).click();
    await expect(page.getByTestId("form-error")).toContainText("enter that account's password");
    expect(await db.membership.count({ where: { userId: vandelay.ownerId } })).toBe(1);
  });

  await test.step("with it, they join and land in the company they joined", async () => {
    await page.getByLabel("Your password").fill(MEMBER_PASSWORD);
    await page.getByRole("button", { name: "Join and sign in" }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByTestId("company-name")).toHaveText("Kramerica");
    await expect(page.getByTestId("user-role")).toHaveText("Admin");
    await expect(page.getByLabel("Company", { exact: true })).toHaveValue(kramerica.companyId);
    await screenshotStep(page, "joined-second-company");
    expect((await db.user.findUniqueOrThrow({ where: { id: vandelay.ownerId } })).passwordHash).toBe(hashBefore);
    expect(browserErrors).toEqual([]);
  });
});
