// The operator journeys' common start: an operator to act as, and the check that their pages are
// theirs alone.
import { setOperator } from "@keyward/core";
import type { Db } from "@keyward/db";
import { type Browser, expect, test } from "@playwright/test";
import { createMember, logIn } from "./members";

/**
 * An admin of the first company made an operator of this Keyward, as `keyward operators grant` does:
 * operators belong to a company of their own too.
 */
export async function createOperator(db: Db, email: string, password: string) {
  const created = await createMember(db, email, password, "admin");
  expect(await setOperator(db, email, true)).toBe(true);
  return created;
}

/**
 * `member`, made an owner of the first company but not an operator, signed in elsewhere: the operator
 * page at `path` is the 404 page and the sidebar has no `link` to it. Even an owner is no operator.
 */
export async function expectOperatorOnly(
  { browser, db }: { browser: Browser; db: Db },
  member: { email: string; password: string },
  page: { link: string; path: string },
): Promise<void> {
  await createMember(db, member.email, member.password, "owner");
  await test.step(`anyone not an operator gets the 404 page and no ${page.link} link`, async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    await logIn(other, member.email, member.password);
    await expect(other.getByRole("link", { name: page.link })).toHaveCount(0);
    const response = await other.goto(page.path);
    expect(response?.status()).toBe(404);
    await context.close();
  });
}
