// Journey: the keys list as an admin of many keys expects it. Revoked and expired keys are hidden
// until asked for; a revoked key shows no expiry; a rotated key links to the key it replaced; ids
// copy with one click; a row rotates (secret shown once) and revokes with the key page's dialogs;
// and on a 390 px phone every row is a card with its status, nothing scrolling sideways.
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
    // Rotate and Revoke sit under each name: the eight columns fit beside the sidebar.
    await expectNoSidewaysScroll(page, "keys list at 1280 px");
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

  await test.step("rotate from a row: the key page's dialog, the secret shown once, Done lists the new key", async () => {
    await row(active.id)
      .getByRole("button", { name: `Rotate ${TAG}-active` })
      .click();
    const dialog = page.getByRole("dialog", { name: `Rotate “${TAG}-active”` });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "rotate dialog from the list");
    await dialog.getByRole("radio", { name: /1 hour/ }).check();
    await dialog.getByTestId("rotate-submit").click();
    await expect(page.getByTestId("key-rotated")).toBeVisible();
    const secret = await page.getByTestId("secret-value").inputValue();
    expect(secret).toMatch(/^kw_live_[0-9A-Za-z]{49}$/);
    await expect(page.getByTestId("key-rotated")).toContainText("Done shows it in the list.");
    await expectAccessible(page, "new secret from the list");
    await screenshotStep(page, "row-rotated");
    await page.getByTestId("reveal-done").click();
    await expect(page).toHaveURL(/\/keys\?created=/);
    const newId = new URL(page.url()).searchParams.get("created") ?? "";
    await expect(row(newId).getByTestId("key-link")).toHaveText(`${TAG}-active`);
    await expect(row(newId).getByTestId("replaces-key")).toBeVisible();
    await expect(row(active.id).getByTestId("key-status")).toHaveText("Expiring");
    expect(await page.content()).not.toContain(secret);
  });

  await test.step("revoke from a row after the confirmation: the row leaves the current keys", async () => {
    await row(rotated.key.id)
      .getByRole("button", { name: `Revoke ${TAG}-rotated` })
      .click();
    const dialog = page.getByRole("dialog", { name: `Revoke “${TAG}-rotated”?` });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "revoke dialog from the list");
    await screenshotStep(page, "row-revoke-dialog");
    await dialog.getByLabel("Reason (optional)").fill("rotated by mistake");
    await dialog.getByTestId("revoke-submit").click();
    await expect(dialog).toBeHidden();
    await expect(row(rotated.key.id)).toHaveCount(0);
    const stored = await db.apiKey.findUniqueOrThrow({ where: { id: rotated.key.id } });
    expect(stored.revokedAt).not.toBeNull();
    expect(stored.revokedReason).toBe("rotated by mistake");
    // Listed with every status, it is Revoked and offers no actions any more.
    await page.goto("/keys?status=all");
    await expect(row(rotated.key.id).getByTestId("key-status")).toHaveText("Revoked");
    await expect(row(rotated.key.id).getByRole("button", { name: /^(Rotate|Revoke) / })).toHaveCount(0);
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
