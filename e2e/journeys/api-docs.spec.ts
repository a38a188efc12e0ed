// Journey: a developer opens the API reference the API serves at /docs: it is Keyward's page (name,
// logo, tab icon), and the browser reports no error at all, CSP included.
import { stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { atPhoneWidth } from "../support/page-checks";

test("the API reference at /docs is Keyward's and loads without a console error", async ({ page, screenshotStep }) => {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));

  await test.step("open /docs", async () => {
    await page.goto(`${stackUrl("E2E_API_URL")}/docs`);
    await expect(page.locator(".swagger-ui .info .title")).toContainText("Keyward API");
    await expect(page).toHaveTitle(/Keyward/);
    // @fastify/swagger-ui's own logo is replaced by Keyward's (an SVG with "Keyward API" in it).
    const logo = page.locator(".swagger-ui .topbar a.link img");
    await expect(logo).toBeVisible();
    expect(await logo.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    const logoSvg = Buffer.from((await logo.getAttribute("src"))?.split(",")[1] ?? "", "base64").toString("utf8");
    expect(logoSvg).toContain("Keyward API");
    await expect(page.locator('link[rel="icon"]')).toHaveAttribute("href", /keyward\.svg$/);
    // The operations are listed, so the document was fetched and rendered.
    await expect(page.locator(".opblock").first()).toBeVisible();
    await screenshotStep(page, "docs");
    await atPhoneWidth(page, "the API reference", () => screenshotStep(page, "docs-390"));
  });

  await test.step("no console error, CSP violations included", async () => {
    expect(consoleErrors).toEqual([]);
  });
});
