// Journey: an owner invites someone by email and passes on the link; they set a password and join
// as a viewer; the owner makes them an admin. A viewer or admin sees the members but manages none.
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { atPhoneWidth, expectAccessible } from "../support/page-checks";

const OWNER = "olivia@acme.test";
const OWNER_PASSWORD = "the owner of everything";
const NEWCOMER = "nina@acme.test";
const NEWCOMER_PASSWORD = "nina's brand new password";

test("invite → accept → role change, and only owners manage members", async ({
  page,
  context,
  browser,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const { companyId } = await createMember(db, OWNER, OWNER_PASSWORD, "owner");
  await logIn(page, OWNER, OWNER_PASSWORD);

  const link = await test.step("the owner invites by email and sees the invite link", async () => {
    await page.getByRole("link", { name: "Members" }).click();
    await expect(page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
    await expectAccessible(page, "members");
    await screenshotStep(page, "members");
    await page.getByLabel("Email").fill("not an email");
    await page.getByTestId("invite-submit").click();
    await expect(page.getByTestId("error-email")).toBeVisible();
    await screenshotStep(page, "invite-field-error");
    await page.getByLabel("Email").fill(NEWCOMER);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByTestId("invite-submit").click();
    await expect(page.getByTestId("invite-created")).toContainText(NEWCOMER);
    const url = await page.getByTestId("invite-link").inputValue();
    expect(url).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await expect(page.getByTestId("invite-row")).toContainText(NEWCOMER);
    await screenshotStep(page, "invite-link");
    // The link copies with one click.
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy the invite link" }).click();
    await expect(page.getByTestId("copy-invite-link")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await expectAccessible(page, "invite link");
    // Only the token's hash is stored.
    const token = url.split("/").at(-1) ?? "";
    const invite = await db.invite.findFirstOrThrow({ where: { companyId, email: NEWCOMER } });
    expect(invite.tokenHash).not.toContain(token);
    return url;
  });

  const newcomer = await browser.newContext();
  const newPage = await newcomer.newPage();
  await test.step("the invitee sets a password and lands in the dashboard as a viewer", async () => {
    await newPage.goto(link);
    await expect(newPage.getByRole("heading", { name: /^Join / })).toBeVisible();
    await expect(newPage.getByLabel("Email")).toHaveValue(NEWCOMER);
    await expectAccessible(newPage, "accept invite");
    await screenshotStep(newPage, "accept-invite");
    await atPhoneWidth(newPage, "accept invite", () => screenshotStep(newPage, "accept-invite-390"));
    await newPage.getByLabel("Choose a password").fill("short");
    await newPage.getByRole("button", { name: "Join and sign in" }).click();
    await expect(newPage.getByTestId("error-password")).toContainText("12 characters");
    await newPage.getByLabel("Choose a password").fill(NEWCOMER_PASSWORD);
    await newPage.getByRole("button", { name: "Join and sign in" }).click();
    await expect(newPage).toHaveURL(/\/keys$/);
    await expect(newPage.getByTestId("user-role")).toHaveText("Viewer");
    await screenshotStep(newPage, "joined-as-viewer");
    await newPage.goto("/members");
    await expect(newPage.getByTestId("invite-form")).toHaveCount(0);
    await expect(newPage.getByTestId("role-form")).toHaveCount(0);
    await screenshotStep(newPage, "viewer-sees-members");
  });

  await test.step("the link works once", async () => {
    const again = await browser.newContext();
    const againPage = await again.newPage();
    await againPage.goto(link);
    await expect(againPage.getByTestId("invite-invalid")).toBeVisible();
    await again.close();
  });

  await test.step("the owner makes the newcomer an admin", async () => {
    await page.reload();
    const row = page.getByTestId("member-row").filter({ hasText: NEWCOMER });
    await row.getByLabel(`Role of ${NEWCOMER}`).selectOption("admin");
    await row.getByRole("button", { name: "Save role" }).click();
    await expect(row.getByRole("button", { name: "Save role" })).toBeDisabled();
    await screenshotStep(page, "role-changed");
    await newPage.reload();
    await expect(newPage.getByTestId("user-role")).toHaveText("Admin");
    // Admins manage keys, not members.
    await expect(newPage.getByTestId("invite-form")).toHaveCount(0);
  });

  await test.step("the owner removes the member after a confirmation", async () => {
    const row = page.getByTestId("member-row").filter({ hasText: NEWCOMER });
    await row.getByRole("button", { name: `Remove ${NEWCOMER}` }).click();
    const dialog = page.getByRole("dialog", { name: `Remove ${NEWCOMER}?` });
    await expect(dialog).toBeVisible();
    await screenshotStep(page, "remove-dialog");
    await dialog.getByRole("button", { name: "Remove member" }).click();
    await expect(page.getByTestId("member-row").filter({ hasText: NEWCOMER })).toHaveCount(0);
    await newPage.goto("/keys");
    await expect(newPage).toHaveURL(/\/login/);
    await newcomer.close();
    expect(browserErrors).toEqual([]);
  });
});
