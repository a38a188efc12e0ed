// Journey: a company with 10,000 keys. The list renders its first page, "Next page" walks on with
// no key shown twice, and search finds one key among them. The keys go straight into the database
// with random hashes (never real secrets), in a company of their own so other journeys see none.
import { randomBytes } from "node:crypto";
import { hashPassword } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { expect, test } from "../support/fixtures";
import { logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";

const EMAIL = "hopper@globex.test";
const PASSWORD = "hopper's long password";
const KEY_COUNT = 10_000;
const PAGE_SIZE = 25;
const PAGES_TO_WALK = 5;
// Chunks keep each INSERT well under PostgreSQL's 65,535 bind parameters.
const CHUNK = 2_000;

async function seedCompany(db: Db): Promise<void> {
  const company = await db.company.create({ data: { name: "Globex" } });
  const user = await db.user.create({ data: { email: EMAIL, passwordHash: await hashPassword(PASSWORD) } });
  await db.membership.create({ data: { companyId: company.id, userId: user.id, role: "owner" } });
  for (let from = 0; from < KEY_COUNT; from += CHUNK) {
    await db.apiKey.createMany({
      data: Array.from({ length: Math.min(CHUNK, KEY_COUNT - from) }, (_, j) => {
        const n = from + j;
        const environment = n % 3 === 0 ? ("test" as const) : ("live" as const);
        return {
          companyId: company.id,
          name: `service-${String(n).padStart(5, "0")}`,
          hash: randomBytes(32).toString("hex"),
          start: `kw_${environment}_${randomBytes(2).toString("hex")}`,
          environment,
          scopes: ["keys:read"],
        };
      }),
    });
  }
  expect(await db.apiKey.count({ where: { companyId: company.id } })).toBe(KEY_COUNT);
}

test("the keys page holds 10,000 keys: first page, several next pages, search", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  await seedCompany(db);

  await test.step("the first page renders a full page", async () => {
    await logIn(page, EMAIL, PASSWORD);
    await expect(page.getByTestId("key-row")).toHaveCount(PAGE_SIZE);
    await expect(page.getByTestId("next-page")).toBeVisible();
    await expectAccessible(page, "keys page with 10,000 keys");
    await screenshotStep(page, "page-1");
  });

  await test.step(`Next page walks ${PAGES_TO_WALK} pages with no key twice`, async () => {
    const seen = new Set<string>();
    for (let p = 1; p <= PAGES_TO_WALK; p += 1) {
      const ids = await page
        .getByTestId("key-row")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key-id")));
      expect(ids).toHaveLength(PAGE_SIZE);
      for (const id of ids) {
        expect(seen.has(String(id)), `key ${id} shown twice`).toBe(false);
        seen.add(String(id));
      }
      if (p === PAGES_TO_WALK) break;
      const url = page.url();
      await page.getByTestId("next-page").click();
      await expect(page).not.toHaveURL(url);
      await expect(page).toHaveURL(/cursor=/);
      await screenshotStep(page, `page-${p + 1}`);
    }
    expect(seen.size).toBe(PAGE_SIZE * PAGES_TO_WALK);
  });

  await test.step("Previous page walks back to the very same pages, down to the first", async () => {
    const rowIds = () =>
      page.getByTestId("key-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key-id")));
    const last = await rowIds();
    await page.getByTestId("previous-page").click();
    await expect(page).toHaveURL(/before=/);
    await expect(page.getByTestId("key-row").first()).not.toHaveAttribute("data-key-id", String(last[0]));
    const before = await rowIds();
    expect(before).toHaveLength(PAGE_SIZE);
    expect(before.some((id) => last.includes(id))).toBe(false);
    const backUrl = page.url();
    await page.getByTestId("next-page").click();
    await expect(page).not.toHaveURL(backUrl);
    expect(await rowIds()).toEqual(last);
    for (let p = PAGES_TO_WALK; p > 1; p -= 1) {
      const url = page.url();
      await page.getByTestId("previous-page").click();
      await expect(page).not.toHaveURL(url);
    }
    await expect(page.getByTestId("previous-page")).toHaveCount(0);
    expect(await rowIds()).toHaveLength(PAGE_SIZE);
    await screenshotStep(page, "back-to-page-1");
  });

  await test.step("search finds one key among 10,000", async () => {
    const target = "service-04321";
    await page.getByLabel("Search").fill(target);
    await expect(page).toHaveURL(new RegExp(`q=${target}`));
    await expect(page).not.toHaveURL(/cursor=/);
    await expect(page.getByTestId("key-row")).toHaveCount(1);
    await expect(page.getByTestId("key-link")).toHaveText(target);
    await expect(page.getByTestId("next-page")).toHaveCount(0);
    await screenshotStep(page, "search");
  });

  expect(browserErrors).toEqual([]);
});
