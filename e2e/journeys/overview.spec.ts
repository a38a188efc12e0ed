// Journey: the Overview shows the company's last day as a service sends it: requests allowed and
// refused by cause (a rate-limited key, counted by the real enforcement path and flushed), the
// busiest keys, a key that expires within the week, and the refusals from the audit log.
import { createCompany, createKey } from "@keyward/core";
import { stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { logIn } from "../support/members";
import { expectAccessible, expectNoSidewaysScroll } from "../support/page-checks";

const EMAIL = "otto@overview.test";
const PASSWORD = "otto oversees it all";

test("overview: traffic by cause, busiest keys, keys ending soon, recent refusals", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  // A company of its own: the first company's traffic comes from every other journey.
  const { companyId, ownerId } = await createCompany(
    db,
    { name: "Overview Works", ownerEmail: EMAIL, ownerPassword: PASSWORD },
    { type: "system" },
  );
  const actor = { type: "user" as const, id: ownerId };
  // Two requests a minute: the third to fifth are refused, rate limited.
  const busy = await createKey(
    db,
    companyId,
    { name: "ov-busy-service", scopes: ["keys:read"], environment: "live", rateLimit: { limit: 2, windowSeconds: 60 } },
    actor,
  );
  await createKey(
    db,
    companyId,
    {
      name: "ov-ending-soon",
      scopes: ["keys:read"],
      environment: "live",
      expiresAt: new Date(Date.now() + 3 * 86_400_000 + 3_600_000),
    },
    actor,
  );
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${stackUrl("E2E_API_URL")}/v1/me`, {
      headers: { authorization: `Bearer ${busy.secret}` },
    });
    statuses.push(response.status);
  }
  expect(statuses).toEqual([200, 200, 429, 429, 429]);

  await logIn(page, EMAIL, PASSWORD);
  await page.getByRole("link", { name: "Overview" }).first().click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();

  await test.step("the counts arrive with the next usage flush", async () => {
    // Counts are flushed every few seconds: reload until they are in.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("overview-totals")).toHaveText("2 allowed · 3 refused", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByTestId("usage-chart").getByText("Rate limited")).toBeVisible();
  });

  await test.step("busiest keys, a key ending soon, the refusals in words", async () => {
    const busiest = page.getByTestId("busiest-key").filter({ hasText: "ov-busy-service" });
    await expect(busiest.getByTestId("busiest-allowed")).toHaveText("2");
    await expect(busiest.getByTestId("busiest-denied")).toHaveText("3");
    await expect(page.getByTestId("ending-key").filter({ hasText: "ov-ending-soon" })).toContainText(
      "expires in 3 days",
    );
    await expect(page.getByTestId("audit-sentence").first()).toHaveText(
      /^ov-busy-service refused 3× — rate limited, from /,
    );
    await expectAccessible(page, "overview");
    await screenshotStep(page, "overview");
  });

  await test.step("on a phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page, "overview at 390 px");
    await screenshotStep(page, "overview-390");
    expect(browserErrors).toEqual([]);
  });
});
