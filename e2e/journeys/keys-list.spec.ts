// Journey: the keys list as an admin of many keys expects it. Revoked and expired keys are hidden
// until asked for; a revoked key shows no expiry; a rotated key links to the key it replaced; ids
// copy with one click; and on a 390 px phone every row is a card with its status, nothing scrolling
// sideways.
import { createKey, revokeKey, rotateKey } from "@keyward/core";
import { expect, test } from "../support/fixtures";
import { createAdminWithKey, logIn } from "../support/members";
import { expectAccessible, expectNoSidewaysScroll } from "../support/page-checks";

const EMAIL = "lena@listworks.test";
const PASSWORD = "lena lists every key";
const TAG = "lw";

test("keys list: current keys by default, statuses on request, replaced keys linked, ids copied, phones", async ({
  page,
  context,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const {
    companyId,
    userId,
    key: active,
  } = await createAdminWithKey(db, EMAIL, PASSWORD, {
    name: `${TAG}-active`,
    scopes: ["keys:read", "keys:write", "audit:read", "alerts:read"],
    environment: "live",
  });
  const actor = { type: "user" as const, id: userId };
  const revoked = await createKey(
    db,
    companyId,
    { name: `${TAG}-revoked`, scopes: ["keys:read"], environment: "live" },
    actor,
  );
  await revokeKey(db, companyId, revoked.key.id, "left the company", actor);
  const expired = await createKey(
    db,
    companyId,
    { name: `${TAG}-expired`, scopes: ["keys:read"], environment: "test" },
    actor,
  );
  await db.apiKey.update({ where: { id: expired.key.id }, data: { expiresAt: new Date(Date.now() - 3 * 86_400_000) } });
  const old = await createKey(
    db,
    companyId,
    { name: `${TAG}-rotated`, scopes: ["keys:read"], environment: "live" },
    actor,
  );
  const rotated = await rotateKey(db, companyId, old.key.id, 3600, actor);

  await logIn(page, EMAIL, PASSWORD);
  const row = (id: string) => page.locator(`[data-key-id="${id}"]`);

  await test.step("by default only keys that still work are listed", async () => {
    await expect(row(active.id)).toBeVisible();
    await expect(row(old.key.id)).toBeVisible(); // in its grace period: still works
    await expect(row(rotated.key.id)).toBeVisible();
    await expect(row(revoked.key.id)).toHaveCount(0);
    await expect(row(expired.key.id)).toHaveCount(0);
    await expect(page.getByLabel("Status")).toHaveValue("");
    await expectAccessible(page, "keys list");
    await screenshotStep(page, "current-keys");
  });

  await test.step("all keys on request; a revoked key shows no expiry, an expired one says so", async () => {
    await page.getByLabel("Status").selectOption("all");
    await expect(page).toHaveURL(/status=all/);
    await expect(row(revoked.key.id).getByTestId("key-status")).toHaveText("Revoked");
    await expect(row(revoked.key.id).getByTestId("key-expires")).toHaveText("—");
    await expect(row(expired.key.id).getByTestId("key-expires")).toHaveText("Expired 3 days ago");
    await page.getByLabel("Status").selectOption("revoked");
    await expect(page).toHaveURL(/status=revoked/);
    await expect(row(active.id)).toHaveCount(0);
    // The company is shared with other journeys: whatever else is listed is revoked too.
    for (const status of await page.getByTestId("key-status").allTextContents()) expect(status).toBe("Revoked");
    await expect(row(revoked.key.id)).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(row(revoked.key.id)).toHaveCount(0);
  });

  await test.step("a rotated key links to the key it replaced", async () => {
    await row(rotated.key.id).getByTestId("replaces-key").click();
    await expect(page).toHaveURL(new RegExp(`/keys/${old.key.id}$`));
    await page.goBack();
  });

  await test.step("a key's id copies with one click", async () => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await row(active.id)
      .getByRole("button", { name: `Copy the id of ${TAG}-active` })
      .click();
    await expect(row(active.id).getByTestId("copy-key-id")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(active.id);
  });

  await test.step("on a 390 px phone each key is a card with its status, nothing scrolls sideways", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/keys?status=all");
    await expect(row(revoked.key.id).getByTestId("key-status")).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Main (small screens)" }).getByRole("link", { name: "Members" }),
    ).toBeVisible();
    await expectNoSidewaysScroll(page, "keys list at 390 px");
    await expectAccessible(page, "keys list at 390 px");
    await screenshotStep(page, "keys-390");
    expect(browserErrors).toEqual([]);
  });
});
