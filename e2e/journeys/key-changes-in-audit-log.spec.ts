// Journey: after creating, rotating and revoking a key, an admin finds each step in the audit log,
// one sentence per event with its JSON behind a disclosure and its time in the reader's zone, with
// the filters (actor, members and keys; action; key search; time range), and exports them as CSV.
import { readFileSync } from "node:fs";
import { createKey } from "@keyward/core";
import { stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { createAdminWithKey, logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const EMAIL = "auditor@acme.test";
const PASSWORD = "who did what and when";
const NAME = "payments-gateway";
const SERVICE = "ledger-sync";

test("the audit log shows a key's steps, filters them and exports them as CSV", async ({
  browser,
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  const { companyId, userId, key } = await createAdminWithKey(db, EMAIL, PASSWORD, {
    name: NAME,
    scopes: ["keys:read"],
    environment: "live",
  });
  await logIn(page, EMAIL, PASSWORD);

  await test.step("rotate (at once) and revoke the successor in the dashboard", async () => {
    await page.goto(`/keys/${key.id}`);
    await page.getByTestId("rotate-open").click();
    await page.getByRole("radio", { name: /Now/ }).check();
    await page.getByTestId("rotate-submit").click();
    await expect(page.getByTestId("key-rotated")).toBeVisible();
    await page.getByTestId("reveal-done").click();
    await page.getByTestId("revoke-open").click();
    await page.getByRole("button", { name: `Revoke ${NAME}` }).click();
    await expect(page.getByTestId("revoked-banner")).toBeVisible();
  });

  await test.step("the log lists the steps, newest first, with the actor's email", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(/\/audit$/);
    // Usage flushes may add request.refused rows at any moment: find the row by its action.
    await expect(page.locator('[data-testid="audit-row"][data-action="key.revoked"]').first()).toBeVisible();
    await expect(page.locator('[data-testid="audit-row"][data-action="key.revoked"]').first()).toContainText(EMAIL);
    await expectAccessible(page, "audit log");
    await screenshotStep(page, "all-events");
  });

  await test.step("each event is one sentence, its JSON behind a disclosure, its time local with ISO on hover", async () => {
    const rotated = page.locator('[data-testid="audit-row"][data-action="key.rotated"]').first();
    await expect(rotated.getByTestId("audit-sentence")).toHaveText(
      `${EMAIL} rotated key “${NAME}”, ending the old secret at once`,
    );
    const details = rotated.locator("details pre");
    await expect(details).toBeHidden();
    await rotated.getByText("Details").click();
    await expect(details).toContainText('"action": "key.rotated"');
    await expect(details).toContainText('"gracePeriodSeconds": 0');
    const time = rotated.locator("time");
    const iso = await time.getAttribute("datetime");
    expect(await time.getAttribute("title")).toBe(iso);
    // The reader's zone, not the server's UTC: a browser in Tokyo reads Tokyo time.
    const tokyo = await browser.newContext({ timezoneId: "Asia/Tokyo", locale: "en-GB" });
    const tokyoPage = await tokyo.newPage();
    await logIn(tokyoPage, EMAIL, PASSWORD);
    await tokyoPage.goto("/audit");
    const tokyoTime = tokyoPage.locator('[data-testid="audit-row"][data-action="key.rotated"] time').first();
    const expected = new Intl.DateTimeFormat("en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Asia/Tokyo",
    });
    await expect(tokyoTime).toHaveText(expected.format(new Date(iso ?? "")));
    await tokyo.close();
    await expectAccessible(page, "audit log, details open");
    await screenshotStep(page, "details-open");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshotStep(page, "audit-390");
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  await test.step("a key that acted is in the actor filter", async () => {
    const { secret } = await createKey(
      db,
      companyId,
      { name: SERVICE, scopes: ["keys:read"], environment: "live" },
      {
        type: "system",
      },
    );
    const token = await fetch(`${stackUrl("E2E_API_URL")}/v1/auth/token`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(token.status).toBe(201);
    await page.goto("/audit");
    await page.getByLabel("Actor").selectOption({ label: SERVICE });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByTestId("audit-row")).toHaveCount(1);
    await expect(page.getByTestId("audit-sentence")).toHaveText(
      `Key ${SERVICE} exchanged itself for a short-lived token`,
    );
    await page.goto("/audit");
  });

  await test.step("search by key name, then filter by action, actor and time range", async () => {
    await page.getByLabel("Key").fill(NAME);
    await page.getByRole("button", { name: "Apply filters" }).click();
    // Two keys share the name (the rotated one and its successor): the search asks which.
    await expect(page.getByTestId("key-matches")).toContainText("Several keys match");
    await screenshotStep(page, "key-search-choices");
    await page.getByTestId("key-matches").getByRole("link").last().click();
    await expect(page.getByTestId("audit-row")).toHaveCount(2);
    await expect(page.getByTestId("audit-row").nth(0)).toHaveAttribute("data-action", "key.rotated");
    await expect(page.getByTestId("audit-row").nth(1)).toHaveAttribute("data-action", "key.created");
    await screenshotStep(page, "one-key");

    await page.goto("/audit");
    await page.getByLabel("Action").selectOption("key.rotated");
    await page.getByLabel("Actor").selectOption({ label: EMAIL });
    const from = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
    await page.getByLabel("From (UTC)").fill(from);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/action=key.rotated/);
    await expect(page.getByTestId("audit-row")).toHaveCount(1);
    await expect(page.getByTestId("audit-row")).toContainText(NAME);
    await screenshotStep(page, "filtered");

    const to = new Date(Date.now() - 7_200_000).toISOString().slice(0, 16);
    await page.getByLabel("To (UTC)").fill(to);
    await page.getByLabel("From (UTC)").fill("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByTestId("audit-empty")).toContainText("No events match these filters");
    await expectAccessible(page, "audit log, no match");
    await screenshotStep(page, "no-match");
  });

  await test.step("export the filtered log as CSV", async () => {
    await page.goto(`/audit?actor=${userId}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    expect(download.suggestedFilename()).toBe("audit-events.csv");
    const csv = readFileSync((await download.path()) ?? "", "utf8");
    const lines = csv.trim().split("\r\n");
    // Every field is quoted (safe in , and ; locales); the first columns never hold a quote or comma.
    const quoted = (names: string) => `"${names.split(",").join('","')}"`;
    expect(lines[0]).toBe(
      quoted(
        "id,seq,createdAt,actorType,actorId,action,targetType,targetId,keyId,fingerprint,ip,userAgent,reason,metadata,prevHash,hash",
      ),
    );
    const actions = lines.slice(1).map((line) => line.slice(1).split('","')[5]);
    expect(actions).toEqual(["key.revoked", "key.rotated", "key.created"]);
    expect(lines.slice(1).every((line) => line.includes(userId))).toBe(true);
  });

  await test.step("the export needs a session", async () => {
    const response = await fetch(`${stackUrl("E2E_WEB_URL")}/audit/export.csv`, { redirect: "manual" });
    expect([302, 303, 307, 401]).toContain(response.status);
    expect(await response.text()).not.toContain("key.created");
    expect(browserErrors).toEqual([]);
  });
});
