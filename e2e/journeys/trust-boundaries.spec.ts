// Journey: someone sends the dashboard a forged X-Forwarded-For. No proxy is configured (TRUST_PROXY
// unset), so the header names nobody: audit events record the socket's address, and a guesser who
// changes the header on every attempt is throttled all the same. And a viewer who opens the alerts
// page leaves the alerts unseen for those who act on them.
import { expect, test } from "../support/fixtures";
import { createMember, logIn, submitLogin } from "../support/members";
import { watchBrowserErrors } from "../support/page-checks";

const FORGED = "203.0.113.66";
const MAX_FAILURES = 10; // per account and IP (@keyward/db password-login.ts)

test("a forged X-Forwarded-For chooses neither the audit IP nor the throttle's key", async ({
  browser,
  db,
  screenshotStep,
}) => {
  const email = "forger@acme.test";
  const password = "an admin with a forged header";
  await createMember(db, email, password, "admin");
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": FORGED } });
  const page = await context.newPage();
  const errors = watchBrowserErrors(page);

  await test.step("a change made with the forged header is audited with the socket's address", async () => {
    await logIn(page, email, password);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Resource", { exact: true }).fill("gadgets");
    await page.getByTestId("add-resource-submit").click();
    await expect(page.getByTestId("resource-saved")).toContainText("gadgets:read");
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "scope_resource.added" },
      orderBy: { seq: "desc" },
    });
    expect(event.metadata).toMatchObject({ name: "gadgets" });
    expect(event.ip).toBe("127.0.0.1");
    await screenshotStep(page, "audited");
  });
  await context.close();

  await test.step(`a new forged address per guess does not reset the count: guess ${MAX_FAILURES + 1} is throttled`, async () => {
    const guesser = await browser.newContext();
    const login = await guesser.newPage();
    await login.goto("/login");
    await login.waitForLoadState("networkidle");
    for (let i = 1; i <= MAX_FAILURES; i += 1) {
      await login.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.${i}` });
      await submitLogin(login, email, `wrong guess ${i}`);
      await expect(login.getByTestId("login-error")).toHaveText("Incorrect email or password.");
    }
    await login.setExtraHTTPHeaders({ "x-forwarded-for": "198.51.100.1" });
    await submitLogin(login, email, password);
    await expect(login.getByTestId("login-error")).toHaveText(/^Too many attempts, try again in \d+ minutes?\.$/);
    await screenshotStep(login, "throttled");
    await guesser.close();
  });
  expect(errors).toEqual([]);
});

test("a viewer opening the alerts page marks nothing seen; an admin's visit does", async ({ browser, db }) => {
  const { companyId } = await createMember(db, "alert-watcher@acme.test", "a viewer who watches alerts", "viewer");
  await createMember(db, "alert-handler@acme.test", "an admin who handles alerts", "admin");
  const rule = await db.alertRule.create({
    data: { companyId, name: "Journey fixture", kind: "auth_failures", threshold: 1, windowSeconds: 60, channels: [] },
  });
  const now = new Date();
  const alert = await db.alert.create({
    data: { companyId, ruleId: rule.id, count: 1, windowStart: now, windowEnd: now, payload: {} },
  });

  for (const [who, password, seen] of [
    ["alert-watcher@acme.test", "a viewer who watches alerts", false],
    ["alert-handler@acme.test", "an admin who handles alerts", true],
  ] as const) {
    await test.step(`${who} opens Alerts: the alert is ${seen ? "" : "still un"}seen`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await logIn(page, who, password);
      await page.goto("/alerts");
      await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
      const row = await db.alert.findUniqueOrThrow({ where: { id: alert.id } });
      expect(row.seenAt !== null).toBe(seen);
      await context.close();
    });
  }
});
