// Journey: an admin creates a live key with custom scopes (a built-in one ticked, one of the
// company's own typed in), an expiry and a rate limit, then finds it again with the list's filters.
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";

const EMAIL = "linus@acme.test";
const PASSWORD = "another long password";
const NAME = "fleet-service";

test("create a key with custom scopes, expiry and rate limit, then filter the list down to it", async ({
  page,
  db,
  screenshotStep,
}) => {
  await createMember(db, EMAIL, PASSWORD, "admin");
  await logIn(page, EMAIL, PASSWORD);

  await test.step("an unknown scope is refused with the offending value", async () => {
    await page.goto("/keys/new");
    await page.getByLabel("Name").fill(NAME);
    await page.getByText("Custom", { exact: true }).click();
    await page.getByRole("checkbox", { name: "keys:read" }).check();
    await page.getByLabel("Other scopes").fill("vehicles:read, vehicles:fly");
    await page.getByText("Live", { exact: true }).click();
    await page.getByLabel("Expires").selectOption("30d");
    await page.getByLabel("Requests").fill("100");
    await page.getByLabel("IP allowlist").fill("10.0.0.0/8 not-an-ip");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("error-scopes")).toContainText('"vehicles:fly" is not a scope');
    await screenshotStep(page, "scope-refused");

    await page.getByLabel("Other scopes").fill("vehicles:read");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("error-ipAllowlist")).toContainText("Not an IP address or CIDR range");
    await page.getByLabel("IP allowlist").fill("10.0.0.0/8, 2001:db8::/32");
    await screenshotStep(page, "form-filled");
    await page.getByRole("button", { name: "Create key" }).click();
  });

  const keyId = await test.step("the key is created with exactly those settings", async () => {
    await expect(page.getByTestId("key-created")).toContainText("keys:read vehicles:read");
    await expect(page.getByTestId("secret-value")).toHaveValue(/^kw_live_/);
    await screenshotStep(page, "revealed");
    const row = await db.apiKey.findFirstOrThrow({ where: { name: NAME } });
    expect(row.scopes).toEqual(["keys:read", "vehicles:read"]);
    expect(row.environment).toBe("live");
    expect(row.ipAllowlist).toEqual(["10.0.0.0/8", "2001:db8::/32"]);
    expect([row.rateLimit, row.rateLimitWindowSeconds]).toEqual([100, 60]);
    const days = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    return row.id;
  });

  await test.step("Done leads to the list, the new key highlighted", async () => {
    await page.getByTestId("reveal-done").click();
    await expect(page).toHaveURL(new RegExp(`/keys\\?created=${keyId}$`));
    await expect(page.locator(`[data-key-id="${keyId}"]`)).toContainText("in 30 days");
  });

  await test.step("the search filters as you type; the switch and the status narrow it", async () => {
    await page.getByLabel("Search").fill("fleet");
    // No button: the list follows the typing.
    await expect(page).toHaveURL(/q=fleet/);
    await page.getByTestId("mode-live").click();
    await expect(page).toHaveURL(/environment=live/);
    await expect(page).toHaveURL(/q=fleet/);
    await page.getByLabel("Status").selectOption("active");
    await expect(page).toHaveURL(/status=active/);
    await expect(page.getByTestId("key-row")).toHaveCount(1);
    await expect(page.getByTestId("key-row")).toContainText(NAME);
    await screenshotStep(page, "filtered");

    await page.getByTestId("mode-test").click();
    await expect(page.getByTestId("keys-empty")).toContainText("No keys match these filters");
    await screenshotStep(page, "no-match");
  });
});
