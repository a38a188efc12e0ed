// Journey: an admin edits every setting of a key on its page (name, scopes, expiry, IP allowlist,
// rate limit, metadata): wrong input is refused under its field, the saved change shows on the page
// and in the audit log. A viewer has no Edit button, and an edit forged as the server action's own
// POST with the viewer's session is refused. A rotation then lands on the new key's own page, and
// each key of the rotation links to the other; the revoked one shows no expiry ahead.
import { expect, test } from "../support/fixtures";
import { createAdminWithKey, createMember, logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const ADMIN = "key-editor@acme.test";
const ADMIN_PASSWORD = "edit keys with care";
const VIEWER = "key-edit-watcher@acme.test";
const VIEWER_PASSWORD = "a viewer who only reads";
const NAME = "edit-journey-fleet";
const NEW_NAME = "edit-journey-fleet-v2";
const PHONE = { width: 390, height: 844 };

/** A date about 400 days ahead, as the date picker writes it (UTC). */
const EXPIRY_DATE = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);

interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
}

test("edit every field of a key; a viewer cannot; a rotation shows the new key", async ({
  browser,
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const { key } = await createAdminWithKey(db, ADMIN, ADMIN_PASSWORD, {
    name: NAME,
    scopes: ["vehicles:read"],
    environment: "live",
  });
  await createMember(db, VIEWER, VIEWER_PASSWORD, "viewer");
  await logIn(page, ADMIN, ADMIN_PASSWORD);
  await page.goto(`/keys/${key.id}`);
  const dialog = page.getByRole("dialog", { name: `Edit “${NAME}”` });

  await test.step("Edit opens a form prefilled with the key as it is", async () => {
    await page.getByTestId("edit-open").click();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Name")).toHaveValue(NAME);
    await expect(dialog.getByLabel("Scopes")).toHaveValue("vehicles:read");
    await expect(dialog.getByLabel("Expires", { exact: true })).toHaveValue("never");
    await expect(dialog.getByLabel("IP allowlist")).toHaveValue("");
    await expect(dialog.getByLabel("Requests")).toHaveValue("");
    await expect(dialog.getByLabel("Metadata")).toHaveValue("");
    await expectAccessible(page, "edit dialog");
    await screenshotStep(page, "edit-dialog");
  });

  await test.step("wrong input is refused under its field, and nothing is saved", async () => {
    await dialog.getByLabel("Scopes").fill("vehicles:read nope");
    await dialog.getByTestId("edit-submit").click();
    await expect(dialog.getByTestId("error-scopes")).toContainText('"nope" is not a scope');
    await expect(dialog.getByLabel("Scopes")).toHaveAttribute("aria-invalid", "true");

    await dialog.getByLabel("Scopes").fill("vehicles:read vehicles:write");
    // Editing the field clears its error.
    await expect(dialog.getByTestId("error-scopes")).toHaveCount(0);
    await dialog.getByLabel("Metadata").fill("[1, 2]");
    await dialog.getByTestId("edit-submit").click();
    await expect(dialog.getByTestId("error-metadata")).toContainText("Write a JSON object");

    await dialog.getByLabel("Metadata").fill('{"team": "fleet"}');
    await dialog.getByLabel("IP allowlist").fill("10.0.0.0/99");
    await dialog.getByTestId("edit-submit").click();
    await expect(dialog.getByTestId("error-ipAllowlist")).toContainText("Not an IP address or CIDR range");
    await expectAccessible(page, "edit dialog with errors");
    await screenshotStep(page, "edit-errors");
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row).toMatchObject({ name: NAME, scopes: ["vehicles:read"], ipAllowlist: [], metadata: null });
  });

  await test.step("every field saved: the page shows the change at once", async () => {
    await dialog.getByLabel("Name").fill(NEW_NAME);
    await dialog.getByLabel("IP allowlist").fill("10.0.0.0/8, 192.168.1.7");
    await dialog.getByLabel("Expires", { exact: true }).selectOption("custom");
    await dialog.getByLabel("Expiry date (UTC)").fill(EXPIRY_DATE);
    await dialog.getByLabel("Requests").fill("50");
    await dialog.getByLabel("Window in seconds").fill("3600");
    await dialog.getByTestId("edit-submit").click();
    await expect(dialog).toBeHidden();

    await expect(page.getByTestId("key-name")).toHaveText(NEW_NAME);
    await expect(page.getByText("vehicles:write", { exact: true })).toBeVisible();
    await expect(page.getByTestId("key-ip-allowlist")).toHaveText("10.0.0.0/8, 192.168.1.7");
    await expect(page.getByTestId("key-rate-limit")).toHaveText("50 per 3600 s");
    await expect(page.getByTestId("key-metadata")).toHaveText('{"team":"fleet"}');
    // Shown in the reader's zone; the moment itself is the chosen day's start, UTC.
    await expect(page.getByTestId("key-expires").locator("time")).toHaveAttribute(
      "datetime",
      `${EXPIRY_DATE}T00:00:00.000Z`,
    );
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row).toMatchObject({
      name: NEW_NAME,
      scopes: ["vehicles:read", "vehicles:write"],
      ipAllowlist: ["10.0.0.0/8", "192.168.1.7"],
      rateLimit: 50,
      rateLimitWindowSeconds: 3600,
      metadata: { team: "fleet" },
      expiresAt: new Date(`${EXPIRY_DATE}T00:00:00Z`),
    });
    await screenshotStep(page, "edited");
  });

  await test.step("the change is in the key's audit trail and the audit log, with the fields it changed", async () => {
    const changed = `${ADMIN} changed expiresAt, ipAllowlist, metadata, name, rateLimit, scopes of key “${NEW_NAME}”`;
    const onPage = page.locator('[data-testid="audit-row"][data-action="key.updated"]');
    await expect(onPage).toHaveCount(1);
    await expect(onPage.getByTestId("audit-sentence")).toHaveText(changed);
    await page.getByTestId("full-audit-link").click();
    const inLog = page.locator('[data-testid="audit-row"][data-action="key.updated"]');
    await expect(inLog).toHaveCount(1);
    await expect(inLog.getByTestId("audit-sentence")).toHaveText(changed);
    await expectAccessible(page, "audit log with the edit");
    await screenshotStep(page, "audit-log");
  });

  await test.step("on a phone: the page and the edit form fit", async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`/keys/${key.id}`);
    await expect(page.getByTestId("key-name")).toHaveText(NEW_NAME);
    await expectAccessible(page, "key page on a phone");
    await screenshotStep(page, "phone-key-page");
    await page.getByTestId("edit-open").click();
    const phoneDialog = page.getByRole("dialog", { name: `Edit “${NEW_NAME}”` });
    await expect(phoneDialog.getByLabel("Expiry date (UTC)")).toHaveValue(EXPIRY_DATE);
    await expect(phoneDialog.getByLabel("Requests")).toHaveValue("50");
    await expectAccessible(page, "edit dialog on a phone");
    await screenshotStep(page, "phone-edit-dialog");
    await phoneDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(phoneDialog).toBeHidden();
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  const forged = await test.step("capture the edit action's request from an admin's browser", async () => {
    const context = await browser.newContext();
    const admin = await context.newPage();
    await logIn(admin, ADMIN, ADMIN_PASSWORD);
    await admin.goto(`/keys/${key.id}`);
    let captured: Captured | null = null;
    await admin.route(`**/keys/${key.id}`, async (route) => {
      const request = route.request();
      if (request.method() !== "POST") return route.continue();
      captured = { url: request.url(), headers: request.headers(), body: request.postData() ?? "" };
      return route.abort();
    });
    await admin.getByTestId("edit-open").click();
    await admin.getByRole("dialog").getByLabel("Scopes").fill("*");
    await admin.getByTestId("edit-submit").click();
    await expect.poll(() => captured !== null).toBe(true);
    await context.close();
    return captured as unknown as Captured;
  });
  expect(forged.headers["next-action"]).toBeTruthy();

  await test.step("a viewer sees the key without Edit, and a forged edit is refused", async () => {
    const context = await browser.newContext();
    const viewer = await context.newPage();
    await logIn(viewer, VIEWER, VIEWER_PASSWORD);
    await viewer.goto(`/keys/${key.id}`);
    await expect(viewer.getByTestId("key-name")).toHaveText(NEW_NAME);
    await expect(viewer.getByTestId("edit-open")).toHaveCount(0);
    await expect(viewer.getByTestId("viewer-note")).toContainText("viewer");

    const headers: Record<string, string> = {};
    for (const name of ["next-action", "content-type", "accept", "next-router-state-tree"]) {
      const value = forged.headers[name];
      if (value) headers[name] = value;
    }
    const response = await viewer.request.post(forged.url, { headers, data: forged.body });
    expect(await response.text()).toContain("Your role (viewer) cannot edit keys");
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.scopes).toEqual(["vehicles:read", "vehicles:write"]);
    expect(await db.auditEvent.count({ where: { keyId: key.id, action: "key.updated" } })).toBe(1);
    await context.close();
  });

  await test.step("a rotation shows the new key's page, which links to the key it replaced", async () => {
    await page.goto(`/keys/${key.id}`);
    await page.getByTestId("rotate-open").click();
    await page.getByRole("radio", { name: /Now/ }).check();
    await page.getByTestId("rotate-submit").click();
    await expect(page.getByTestId("key-rotated")).toBeVisible();
    const secret = await page.getByTestId("secret-value").inputValue();
    // Behind the secret is still the old key's page, under its own address.
    await expect(page).toHaveURL(new RegExp(`/keys/${key.id}$`));
    await page.getByTestId("reveal-done").click();

    await expect(page).not.toHaveURL(new RegExp(`/keys/${key.id}$`));
    const start = (await page.getByTestId("key-start").textContent())?.replace("…", "") ?? "";
    expect(start.length).toBeGreaterThan(8);
    expect(secret.startsWith(start)).toBe(true);
    await expect(page.getByTestId("key-name")).toHaveText(NEW_NAME);
    await expect(page.getByTestId("key-status")).toHaveText("Active");
    await expect(page.getByTestId("key-rate-limit")).toHaveText("50 per 3600 s");
    await expect(page.getByTestId("replaces-link")).toHaveAttribute("href", `/keys/${key.id}`);
    await expectAccessible(page, "new key after rotation");
    await screenshotStep(page, "rotated-new-key");

    await page.getByTestId("replaces-link").click();
    await expect(page).toHaveURL(new RegExp(`/keys/${key.id}$`));
    await expect(page.getByTestId("key-status")).toHaveText("Revoked");
    await expect(page.getByTestId("key-expires")).toHaveText("— (revoked)");
    await expect(page.getByTestId("replaced-by-link")).toContainText(start);
    await expect(page.getByTestId("edit-open")).toHaveCount(0);
    await screenshotStep(page, "rotated-old-key");

    await page.goto(`/keys?q=${NEW_NAME}&status=all`);
    const oldRow = page.locator(`[data-key-id="${key.id}"]`);
    await expect(oldRow.getByTestId("key-status")).toHaveText("Revoked");
    await expect(oldRow.getByTestId("key-expires")).toHaveText("—");
  });

  expect(browserErrors).toEqual([]);
});
